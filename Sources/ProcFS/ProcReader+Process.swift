#if canImport(Glibc)
import Glibc
#endif

extension ProcReader {
    /// Whether `/proc/PID` exists: the process runs, or is a zombie not yet reaped.
    public static func exists(pid: Int32) -> Bool {
        owner(of: ProcPaths.directory(pid: pid)) != nil
    }

    /// The entries of `/proc/PID/environ` (`NAME=value`), from at most its
    /// first `limitBytes` (the environment is the target's own, untrusted).
    public static func environment(pid: Int32, limitBytes: Int = 1 << 20) throws(ProcFSError) -> [String] {
        let bytes = try read(ProcFile(pid: pid, name: "environ"), limitBytes: limitBytes)
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The thread ids of process `pid` (`/proc/PID/task`), ascending; nil when
    /// the process is gone or its folder cannot be listed.
    public static func threadIDs(pid: Int32) -> [Int32]? {
        numericEntries(ProcPaths.directory(pid: pid) + "/task")?.sorted()
    }

    /// The raw bytes of `/proc/PID/comm`: the command name the process chose
    /// (prctl PR_SET_NAME), untrusted, at most 64 bytes, newline included.
    public static func commandName(pid: Int32) throws(ProcFSError) -> [UInt8] {
        try read(ProcFile(pid: pid, name: "comm"), limitBytes: 64)
    }

    /// The kernel function thread `thread` of process `pid` sleeps in
    /// (`/proc/PID/task/TID/wchan`); nil when unreadable.
    public static func waitChannel(pid: Int32, thread: Int32) -> String? {
        threadText(pid: pid, thread: thread, name: "wchan")
    }

    /// `/proc/PID/task/TID/syscall`: the system call number the thread is
    /// blocked in and its arguments, space separated; nil when unreadable.
    public static func systemCall(pid: Int32, thread: Int32) -> String? {
        threadText(pid: pid, thread: thread, name: "syscall")
    }

    /// The owner of `/proc/PID/status`: root when the process is not
    /// dumpable, else its user; nil when it cannot be looked at.
    public static func statusOwner(pid: Int32) -> UInt32? {
        owner(of: ProcPaths.directory(pid: pid) + "/status")
    }

    /// The user namespace of process `pid` (`/proc/PID/ns/user`'s link, such
    /// as `user:[4026531837]`); nil when it may not be read.
    public static func userNamespace(pid: Int32) -> String? {
        link(ProcPaths.directory(pid: pid) + "/ns/user")
    }

    /// Whether the kernel refuses to say which executable `pid` runs
    /// (`/proc/PID/exe` needs ptrace access to the process).
    public static func executableDenied(pid: Int32) -> Bool {
        var buffer = [CChar](repeating: 0, count: 4096)
        return readlink(ProcPaths.directory(pid: pid) + "/exe", &buffer, buffer.count) < 0 && (errno == EACCES || errno == EPERM)
    }

    /// `kernel.yama.ptrace_scope` (0 to 3), or nil when Yama is absent.
    public static func ptraceScope() -> Int? {
        guard let bytes = try? ProcFile(kernelSetting: "kernel/yama/ptrace_scope").readAll(limitBytes: 64) else { return nil }
        return Int(String(decoding: bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }

    static func threadText(pid: Int32, thread: Int32, name: String) -> String? {
        guard let bytes = try? ProcFile(pid: pid, name: "task/\(thread)/\(name)").readAll(limitBytes: 4096) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The target of the symbolic link at `path`, or nil where it may not be read.
    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The user owning `path`; nil when it does not exist or cannot be looked at.
/// (Outside ``ProcReader``, whose `stat(pid:)` would hide the C `stat`.)
private func owner(of path: String) -> UInt32? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return UInt32(info.st_uid)
}
