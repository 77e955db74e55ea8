public import PythonProcess
#if canImport(Glibc)
import Glibc
#endif

extension MemorySource {
    /// Many small spans, each `count` bytes, concatenated in order; a span
    /// that cannot be read is zero-filled and its index returned in `unreadable`.
    /// The live process is read with vectored `process_vm_readv` (1,024 spans
    /// a call); other sources one span at a time.
    public func gather(_ addresses: [UInt64], count: Int) -> (bytes: [UInt8], unreadable: Set<Int>) {
        var out = [UInt8](repeating: 0, count: addresses.count * count)
        var unreadable = Set<Int>()
        out.withUnsafeMutableBytes { raw in
            var first = 0
            while first < addresses.count {
                let last = min(addresses.count, first + VectoredRead.maxSpans)
                if let live = self as? ProcessMemory,
                   VectoredRead.read(pid: live.pid, addresses: addresses[first..<last], count: count, into: raw.baseAddress! + first * count) {
                    first = last
                    continue
                }
                for i in first..<last {
                    let slice = UnsafeMutableRawBufferPointer(rebasing: raw[(i * count)..<((i + 1) * count)])
                    do { try read(at: addresses[i], into: slice) } catch { unreadable.insert(i) }
                }
                first = last
            }
        }
        return (out, unreadable)
    }
}

/// `process_vm_readv` with many iovecs. The CProcessAccess shim wraps only the
/// one-span form, so the libc symbol is looked up once with dlsym.
enum VectoredRead {
    static let maxSpans = 1024  // IOV_MAX
    typealias Function = @convention(c) (pid_t, UnsafePointer<iovec>?, UInt, UnsafePointer<iovec>?, UInt, UInt) -> Int
    nonisolated(unsafe) static let function: Function? = {
        guard let libc = dlopen(nil, RTLD_NOW), let symbol = dlsym(libc, "process_vm_readv") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }()

    /// Reads every span into `destination` back to back; false unless all were read whole.
    static func read(pid: Int32, addresses: ArraySlice<UInt64>, count: Int, into destination: UnsafeMutableRawPointer) -> Bool {
        guard let function, !addresses.isEmpty else { return false }
        let remote = addresses.map { iovec(iov_base: UnsafeMutableRawPointer(bitPattern: UInt($0)), iov_len: count) }
        var local = iovec(iov_base: destination, iov_len: addresses.count * count)
        let n = remote.withUnsafeBufferPointer { function(pid, &local, 1, $0.baseAddress, UInt($0.count), 0) }
        return n == addresses.count * count
    }
}
