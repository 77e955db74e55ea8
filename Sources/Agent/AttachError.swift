#if canImport(Glibc)
import Glibc
#endif

/// Why memlens could not run its agent in a running process (a snapshot,
/// `gc`, `alloc`). The target is
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
