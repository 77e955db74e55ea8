public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Takes a snapshot of a running CPython (3.8–3.13) without restarting it:
/// gdb queues `Py_AddPendingCall(PyRun_SimpleString, buf)` so the agent runs
/// on the main thread at its next safe point (never mid-collection, never on
/// another thread), and detaches at once. The target is stopped only while
/// gdb attaches (well under a second).
///
/// The agent's files and its output pass through `/proc/PID/root/tmp`, so a
/// target in another mount namespace (a container) sees them at `/tmp`.
public enum Attacher {
    /// Size of the buffer gdb maps in the target for the code it queues.
    static let bufferBytes = 65536

    /// What `snapshot` reports.
    public struct Result: Sendable {
        public var objects: Int
        public var bytes: Int
        /// Time the agent spent in the target (its main thread's pause), in seconds.
        public var dumpSeconds: Double
        /// From the command to the snapshot written, in seconds.
        public var totalSeconds: Double
        public var python: String
    }

    /// Writes a snapshot of process `pid` to `output` (mode 0600).
    /// `progress` gets one line per phase. Gives up after `timeoutSeconds` of
    /// waiting for a safe point, leaving the target as it was.
    public static func snapshot(
        pid: Int32, output: String, values: Bool, timeoutSeconds: Double,
        progress: (String) -> Void
    ) throws -> Result {
        let started = Date()
        // Ctrl-C and kill are waited for, not obeyed mid-step: gdb finishes and
        // detaches, the agent's files are removed (a queued call then does nothing).
        var interrupts = sigset_t()
        sigemptyset(&interrupts)
        for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&interrupts, s) }
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &interrupts, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        try checkTarget(pid)
        guard isCPython(pid) else { throw AttachError.notPython(pid: pid) }
        guard let gdb = findExecutable("gdb") else { throw AttachError.gdbMissing }
        guard let snapshotSource = AgentFiles.text(of: "memlens/snapshot.py"),
              let injectSource = AgentFiles.text(of: "memlens/inject.py") else { throw AttachError.agentMissing }

        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let root = "/proc/\(pid)/root"
        let visible = "/tmp/memlens-attach-\(token)"          // as the target sees it
        let folder = root + visible                           // as we reach it
        let out = visible + ".mlh", status = visible + ".status"
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            try Data(snapshotSource.utf8).write(to: URL(fileURLWithPath: folder + "/snapshot.py"))
            try Data(injectSource.utf8).write(to: URL(fileURLWithPath: folder + "/inject.py"))
        } catch {
            throw AttachError.cannotPlaceAgent(pid: pid, detail: "\(error)")
        }
        defer { try? fileManager.removeItem(atPath: folder) }

        // The code gdb copies into the target: one exec statement, binding nothing in __main__.
        let config = "{'SNAPSHOT_SOURCE': '\(visible)/snapshot.py', 'OUT': '\(out)', 'STATUS': '\(status)', "
            + "'VALUES': \(values ? "True" : "False")}"
        // exec of source text, not compile(): compile() would create CPython's _ast
        // types for good. Nothing may escape: a pending call that fails raises
        // SystemError in the target's main thread. Once memlens removes the
        // agent's folder (done, or given up), a late call finds no file and does nothing.
        let code = "try:\n    exec(open('\(visible)/inject.py', 'rb').read(), "
            + "{'__name__': '_memlens_inject', '__file__': '\(visible)/inject.py', 'CONFIG': \(config)})\n"
            + "except BaseException:\n    pass\n"
        let work = fileManager.temporaryDirectory.appending(path: "memlens-gdb-\(token)")
        try fileManager.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fileManager.removeItem(at: work) }
        let codeFile = work.appending(path: "code.bin").path
        try Data(code.utf8 + [0]).write(to: URL(fileURLWithPath: codeFile))

        progress("attaching with gdb to \(pid)")
        let buffer = try queuePendingCall(gdb: gdb, pid: pid, codeFile: codeFile, logFile: work.appending(path: "gdb.log").path)
        if let signal = pendingInterrupt(interrupts) { throw AttachError.interrupted(pid: pid, signal: signal) }

        progress("waiting for a safe point on the main thread (up to \(Int(timeoutSeconds)) s)")
        let statusPath = root + status
        let startedPath = statusPath + ".started"
        defer { try? fileManager.removeItem(atPath: startedPath) }
        var deadline = Date().addingTimeInterval(timeoutSeconds)
        var announced = false
        while !fileManager.fileExists(atPath: statusPath) {
            guard kill(pid, 0) == 0 || errno == EPERM, fileManager.fileExists(atPath: "/proc/\(pid)") else {
                throw AttachError.targetExited(pid: pid)
            }
            if Date() > deadline, fileManager.fileExists(atPath: startedPath) {
                // The agent is already writing: wait for it (a large heap under load) rather than abandon its files.
                if !announced { progress("the agent is writing the snapshot; waiting for it to finish") }
                announced = true
                deadline = Date().addingTimeInterval(1)
            } else if Date() > deadline {
                // The call stays queued; with the agent's folder removed (below) it will do nothing.
                throw AttachError.timedOut(pid: pid, seconds: timeoutSeconds, mainThread: mainThreadState(pid))
            }
            if let signal = waitForInterrupt(interrupts, milliseconds: 20) { throw AttachError.interrupted(pid: pid, signal: signal) }
        }
        let line = (try? String(contentsOfFile: statusPath, encoding: .utf8)) ?? ""
        try? fileManager.removeItem(atPath: statusPath)
        // The queued code has run: its buffer can go.
        unmapBuffer(gdb: gdb, pid: pid, address: buffer, logFile: work.appending(path: "gdb-unmap.log").path)
        guard line.hasPrefix("ok ") else {
            try? fileManager.removeItem(atPath: root + out)
            throw AttachError.agentFailed(pid: pid, detail: line.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        try moveIntoPlace(root + out, to: output)
        let fields = Dictionary(line.split(separator: " ").dropFirst().compactMap { field -> (String, String)? in
            let parts = field.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
        }, uniquingKeysWith: { a, _ in a })
        return Result(
            objects: Int(fields["objects"] ?? "") ?? 0, bytes: Int(fields["bytes"] ?? "") ?? 0,
            dumpSeconds: Double(fields["seconds"] ?? "") ?? 0, totalSeconds: Date().timeIntervalSince(started),
            python: fields["python"] ?? "?")
    }

    /// The process exists, is not a zombie, and we may read it.
    static func checkTarget(_ pid: Int32) throws {
        guard pid > 0, let stat = readProcFile("/proc/\(pid)/stat") else {
            throw AttachError.noSuchProcess(pid: pid)
        }
        if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
            throw AttachError.zombie(pid: pid)
        }
        guard (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/root/tmp")) != nil else {
            throw AttachError.ptraceDenied(pid: pid, detail: "permission denied; " + ptraceHint(pid))
        }
    }

    /// Whether the process's executable or a mapped libpython exports
    /// `Py_AddPendingCall` (checked before gdb changes anything in it).
    static func isCPython(_ pid: Int32) -> Bool {
        var files = ["/proc/\(pid)/exe"]
        if let maps = readProcFile("/proc/\(pid)/maps") {
            for line in maps.split(separator: "\n") where line.contains("libpython3") {
                if let slash = line.firstIndex(of: "/") { files.append("/proc/\(pid)/root" + line[slash...]) }
            }
        }
        let symbol = Data("Py_AddPendingCall\0".utf8)
        for file in Set(files) {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) else { continue }
            if data.range(of: symbol) != nil { return true }
        }
        return false
    }

    /// Runs gdb in batch mode: mmap a buffer, copy the code in, queue the
    /// pending call, detach. Returns the buffer's address.
    static func queuePendingCall(gdb: String, pid: Int32, codeFile: String, logFile: String) throws -> UInt64 {
        let commands = [
            "set pagination off", "set confirm off",
            // mmap is a system call: no allocator lock that the stopped thread
            // could hold. Read-only: gdb writes through ptrace anyway.
            "set $buf = (char *) mmap(0, \(bufferBytes), 1, 34, -1, 0)",
            "printf \"memlens-buffer %lu\\n\", (unsigned long) $buf",
            "restore \(codeFile) binary $buf",
            "printf \"memlens-queued %d\\n\", (int) Py_AddPendingCall((int (*)(void *)) PyRun_SimpleString, $buf)",
            "detach",
        ]
        let log = try runGDB(gdb, pid: pid, commands: commands, logFile: logFile)
        if log.contains("memlens-queued 0"),
           let line = log.split(separator: "\n").first(where: { $0.hasPrefix("memlens-buffer ") }),
           let address = UInt64(line.dropFirst("memlens-buffer ".count)) {
            return address
        }
        if log.contains("ptrace: Operation not permitted") {
            throw AttachError.ptraceDenied(pid: pid, detail: ptraceHint(pid))
        }
        if log.contains("No symbol \"Py_AddPendingCall\"") || log.contains("No symbol \"PyRun_SimpleString\"") {
            throw AttachError.notPython(pid: pid)
        }
        if log.contains("No such process") { throw AttachError.targetExited(pid: pid) }
        let lastLines = log.split(separator: "\n").suffix(4).joined(separator: " | ")
        throw AttachError.gdbFailed(pid: pid, detail: lastLines.isEmpty ? "gdb gave no output" : lastLines)
    }

    /// Unmaps the code buffer once the agent has run (best effort: 64 KiB).
    static func unmapBuffer(gdb: String, pid: Int32, address: UInt64, logFile: String) {
        _ = try? runGDB(gdb, pid: pid, commands: ["set pagination off", "set confirm off",
                                                 "call (int) munmap((void *) \(address), \(bufferBytes))", "detach"], logFile: logFile)
    }

    /// Runs `gdb --batch -p PID` with `commands` in its own process group; returns its output.
    static func runGDB(_ gdb: String, pid: Int32, commands: [String], logFile: String) throws -> String {
        let argv = [gdb, "--batch", "--nx", "-p", String(pid)] + commands.flatMap { ["-ex", $0] }
        let child = try ProcessSpawner.spawn(argv, environment: ProcessInfo.processInfo.environment,
                                             outputPath: logFile, ownProcessGroup: true)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while waitpid(child, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(child, SIGTERM)  // gdb detaches on SIGTERM
                _ = waitpid(child, &status, 0)
                throw AttachError.gdbFailed(pid: pid, detail: "gdb did not finish within 60 s")
            }
            usleep(10_000)
        }
        return (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    static func ptraceHint(_ pid: Int32) -> String {
        if let scope = try? String(contentsOfFile: "/proc/sys/kernel/yama/ptrace_scope", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), scope != "0" {
            return "kernel.yama.ptrace_scope is \(scope): run memlens as root, or `sysctl kernel.yama.ptrace_scope=0`"
        }
        return "run memlens as the user that owns process \(pid), or as root (CAP_SYS_PTRACE)"
    }

    /// What the main thread is doing, from /proc: the system call it waits in, if any.
    static func mainThreadState(_ pid: Int32) -> String {
        let base = "/proc/\(pid)/task/\(pid)"
        let wchan = (readProcFile(base + "/wchan")) ?? "?"
        let syscall = ((readProcFile(base + "/syscall")) ?? "").split(separator: " ").first.map(String.init) ?? "?"
        let names = ["0": "read", "7": "poll", "23": "select", "35": "nanosleep", "61": "wait4", "202": "futex (a lock or GIL wait)",
                     "230": "clock_nanosleep (time.sleep)", "232": "epoll_wait", "270": "pselect6", "271": "ppoll", "281": "epoll_pwait", "43": "accept", "288": "accept4"]
        let call = names[syscall].map { "\($0), syscall \(syscall)" } ?? "syscall \(syscall)"
        return "the main thread is blocked in \(call) (kernel wait channel \(wchan)) and does not reach a point where Python can run the agent"
    }

    static func moveIntoPlace(_ source: String, to destination: String) throws {
        if rename(source, destination) == 0 { return }
        // Another file system (a container's /tmp): copy to a temporary name, then rename.
        let temporary = destination + ".tmp-\(getpid())"
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw AttachError.cannotWrite(path: destination, detail: String(cString: strerror(errno))) }
        defer { close(input) }
        let outputFD = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard outputFD >= 0 else { throw AttachError.cannotWrite(path: destination, detail: String(cString: strerror(errno))) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var ok = true
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, 1 << 20) }
            if n == 0 { break }
            if n < 0 || buffer.withUnsafeBytes({ write(outputFD, $0.baseAddress, n) }) != n { ok = false; break }
        }
        ok = ok && fsync(outputFD) == 0
        close(outputFD)
        guard ok, rename(temporary, destination) == 0 else {
            unlink(temporary)
            throw AttachError.cannotWrite(path: destination, detail: String(cString: strerror(errno)))
        }
        unlink(source)
    }

    /// A blocked interrupt that arrived, consumed; nil if none.
    static func pendingInterrupt(_ set: sigset_t) -> Int32? { waitForInterrupt(set, milliseconds: 0) }

    /// Waits up to `milliseconds` for one of the blocked signals in `set`.
    static func waitForInterrupt(_ set: sigset_t, milliseconds: Int) -> Int32? {
        var set = set
        var timeout = timespec(tv_sec: 0, tv_nsec: milliseconds * 1_000_000)
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }

    /// A /proc file read to its end (they report size 0, and
    /// `String(contentsOfFile:)` stops after the first 4 KiB of them).
    static func readProcFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Why a snapshot of a running process could not be taken. The target is
/// left running as it was in every case.
public enum AttachError: Error, CustomStringConvertible {
    case noSuchProcess(pid: Int32)
    case zombie(pid: Int32)
    case notPython(pid: Int32)
    case gdbMissing
    case agentMissing
    case ptraceDenied(pid: Int32, detail: String)
    case cannotPlaceAgent(pid: Int32, detail: String)
    case gdbFailed(pid: Int32, detail: String)
    case timedOut(pid: Int32, seconds: Double, mainThread: String)
    case targetExited(pid: Int32)
    case agentFailed(pid: Int32, detail: String)
    case cannotWrite(path: String, detail: String)
    case interrupted(pid: Int32, signal: Int32)

    public var description: String {
        switch self {
        case .noSuchProcess(let pid): return "no such process: \(pid)"
        case .zombie(let pid): return "process \(pid) is a zombie (it has exited; its parent has not collected it)"
        case .notPython(let pid):
            return "process \(pid) is not a CPython interpreter memlens can attach to (no Py_AddPendingCall/PyRun_SimpleString symbols: not Python, or a stripped or static build)"
        case .gdbMissing: return "gdb is needed to attach to a running process and is not on PATH (Debian: apt-get install gdb)"
        case .agentMissing: return "this memlens build lacks the embedded agent"
        case .ptraceDenied(let pid, let detail): return "not allowed to attach to process \(pid): \(detail)"
        case .cannotPlaceAgent(let pid, let detail): return "cannot write the agent where process \(pid) can read it (/proc/\(pid)/root/tmp): \(detail)"
        case .gdbFailed(let pid, let detail): return "gdb could not queue the agent in process \(pid): \(detail)"
        case .timedOut(let pid, let seconds, let state):
            return "no safe point in process \(pid) within \(Int(seconds)) s: \(state). The target is unharmed; the queued call will do nothing when it runs. Try again when the process is busy, or raise --timeout"
        case .targetExited(let pid): return "process \(pid) exited before the snapshot was written"
        case .agentFailed(let pid, let detail): return "the agent failed inside process \(pid): \(detail)"
        case .cannotWrite(let path, let detail): return "cannot write \(path): \(detail)"
        case .interrupted(let pid, let signal):
            return "interrupted (\(String(cString: strsignal(signal)))): gdb has detached from \(pid) and the agent's files are removed, so a queued call does nothing; process \(pid) runs on unharmed"
        }
    }
}
