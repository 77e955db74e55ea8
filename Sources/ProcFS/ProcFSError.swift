public import SystemPackage

/// Why a process's `/proc` files could not be read. Every case names the pid
/// and says what to do about it.
public enum ProcFSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `/proc/PID` does not exist.
    case noSuchProcess(pid: Int32)
    /// The process has exited and waits for its parent to reap it; it has no memory.
    case zombie(pid: Int32)
    /// A kernel thread: it has no user-space memory to report.
    case kernelThread(pid: Int32)
    /// The kernel refused to show `file` (another user's process, or not dumpable).
    case permissionDenied(pid: Int32, file: String)
    /// The process exited (or its pid was reused) while its files were being read.
    case exitedDuringRead(pid: Int32)
    /// A read failed for another reason.
    case unreadable(pid: Int32, file: String, errno: Errno)
    /// The file did not look like the kernel's format.
    case malformed(pid: Int32, file: String, detail: String)

    public var description: String {
        switch self {
        case .noSuchProcess(let pid):
            return "no process with pid \(pid) (it does not exist, or has already exited)"
        case .zombie(let pid):
            return "process \(pid) is a zombie: it has exited and its parent has not reaped it yet, so it has no memory left to report"
        case .kernelThread(let pid):
            return "process \(pid) is a kernel thread: it has no user-space memory to report"
        case .permissionDenied(let pid, let file):
            return "permission denied reading \(file) of process \(pid): run memlens as the same user as the process, or as root"
        case .exitedDuringRead(let pid):
            return "process \(pid) exited while its memory was being read; nothing reported (the figures would be partial)"
        case .unreadable(let pid, let file, let errno):
            return "cannot read \(file) of process \(pid): \(errno)"
        case .malformed(let pid, let file, let detail):
            return "unexpected format in \(file) of process \(pid): \(detail)"
        }
    }

    /// The pid the error is about.
    public var pid: Int32 {
        switch self {
        case .noSuchProcess(let pid), .zombie(let pid), .kernelThread(let pid), .exitedDuringRead(let pid): return pid
        case .permissionDenied(let pid, _), .unreadable(let pid, _, _), .malformed(let pid, _, _): return pid
        }
    }
}
