import SystemPackage

/// Reads `/proc` files with plain `open`/`read` (retrying `EINTR`) into a
/// buffer owned by the reader, mapping failures to ``ProcFSError``.
struct ProcFile {
    /// Why a read stopped short, before the caller maps it to a ``ProcFSError``.
    enum Failure: Error {
        case missing          // ENOENT: no such file (the process, or a kernel without this file)
        case gone             // ESRCH: the process exited
        case denied           // EACCES / EPERM
        case other(Errno)
    }

    /// The process the file describes (0 for a kernel-wide file under `/proc/sys`).
    let pid: Int32
    let path: String

    /// `/proc/PID/name`.
    init(pid: Int32, name: String) {
        self.pid = pid
        self.path = ProcPaths.directory(pid: pid) + "/" + name
    }

    /// `/proc/sys/name`: a kernel setting, such as `kernel/yama/ptrace_scope`.
    init(kernelSetting name: String) {
        self.pid = 0
        self.path = "/proc/sys/" + name
    }

    /// Opens the file; the caller must close the descriptor.
    func open() throws(Failure) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec], retryOnInterrupt: true)
        } catch {
            throw Self.failure(error)
        }
    }

    /// The whole file, or its first `limitBytes` when it is longer (what a
    /// process wrote itself, such as its environment, is untrusted), read with
    /// as few `read` calls as the kernel allows.
    func readAll(initialCapacity: Int = 4096, limitBytes: Int = .max) throws(Failure) -> [UInt8] {
        let fd = try open()
        defer { try? fd.close() }
        var bytes = [UInt8](repeating: 0, count: min(initialCapacity, limitBytes))
        var count = 0
        while count < limitBytes {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limitBytes - count))) }
            let n: Int
            do {
                n = try bytes.withUnsafeMutableBytes { raw in
                    try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[count...]), retryOnInterrupt: true)
                }
            } catch {
                throw Self.failure(error)
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Streams the file through `chunk` in pieces that end at a line break;
    /// `buffer` is reused (its size is the read size). A line longer than the
    /// buffer grows it.
    func stream(buffer: inout [UInt8], _ chunk: (UnsafeBufferPointer<UInt8>) -> Void) throws(Failure) {
        let fd = try open()
        defer { try? fd.close() }
        var kept = 0
        while true {
            if kept == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { raw in
                    try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[kept...]), retryOnInterrupt: true)
                }
            } catch {
                throw Self.failure(error)
            }
            let filled = kept + n
            if n == 0 {
                if filled > 0 { buffer.withUnsafeBufferPointer { chunk(UnsafeBufferPointer(rebasing: $0[0..<filled])) } }
                return
            }
            kept = buffer.withUnsafeMutableBufferPointer { all -> Int in
                // Hand over everything up to the last newline; keep the rest.
                var end = filled
                while end > 0 && all[end - 1] != 0x0A { end -= 1 }
                if end == 0 { return filled }
                chunk(UnsafeBufferPointer(rebasing: all[0..<end]))
                let rest = filled - end
                if rest > 0, let base = all.baseAddress {
                    (base).update(from: base + end, count: rest)
                }
                return rest
            }
        }
    }

    static func failure(_ error: any Error) -> Failure {
        // FileDescriptor's calls throw only Errno.
        guard let errno = error as? Errno else { return .other(.ioError) }
        switch errno {
        case .noSuchFileOrDirectory: return .missing
        case .noSuchProcess: return .gone
        case .permissionDenied, .notPermitted: return .denied
        default: return .other(errno)
        }
    }

    /// The ``ProcFSError`` for `failure` while reading this file.
    func error(_ failure: Failure) -> ProcFSError {
        switch failure {
        case .missing: return .noSuchProcess(pid: pid)
        case .gone: return .exitedDuringRead(pid: pid)
        case .denied: return .permissionDenied(pid: pid, file: path)
        case .other(let code): return .unreadable(pid: pid, file: path, errno: code)
        }
    }
}
