public import ProcessModels
public import PythonProcess
#if canImport(Glibc)
import Glibc
#endif
import ProcFS

/// Why memlens could not run its agent in a running process (a snapshot,
/// `gc`, `alloc`). The target is
/// left running as it was in every case.
public enum AttachError: HintedError, CustomStringConvertible {
    case noSuchProcess(pid: Int32)
    case zombie(pid: Int32)
    case notPython(pid: Int32)
    /// A Python whose images lack the functions gdb calls (`missing`).
    case noSymbols(pid: Int32, image: String, missing: [String])
    /// 3.14+: `sys.remote_exec`'s protocol cannot be used on the target.
    case remoteExec(pid: Int32, RemoteExecError)
    case gdbMissing
    case agentMissing
    case ptraceDenied(pid: Int32, detail: String)
    /// Another tracer (gdb, strace) holds the process: no attach can succeed.
    case alreadyTraced(pid: Int32, tracer: Tracer)
    case cannotPlaceAgent(pid: Int32, detail: String)
    case gdbFailed(pid: Int32, detail: String)
    case timedOut(pid: Int32, seconds: Double, mainThread: String)
    case targetExited(pid: Int32)
    case agentFailed(pid: Int32, detail: String)
    case cannotWrite(path: String, detail: String)
    case interrupted(pid: Int32, signal: Int32)

    public var description: String { message.description }

    /// The message, with a hint where raising a setting could help.
    public var message: HintedText {
        switch self {
        case .noSuchProcess(let pid): return "no such process: \(pid)"
        case .zombie(let pid): return "process \(pid) is a zombie (it has exited; its parent has not collected it)"
        case .notPython(let pid):
            return "process \(pid) is not a CPython interpreter memlens can attach to (no CPython in its executable or a mapped libpython)"
        case .noSymbols(let pid, let image, let missing):
            return "Python without symbols: process \(pid) runs \(image), which does not define \(missing.joined(separator: " or ")) in " +
                ".dynsym or .symtab (stripped or static build without exported symbols); memlens needs them to run its agent through gdb " +
                "on CPython 3.8–3.13: use a build with --enable-shared or linked with -Wl,--export-dynamic, or install its debug symbols " +
                "(CPython 3.14+ needs none)"
        case .remoteExec(let pid, let error):
            return "cannot attach to process \(pid) through sys.remote_exec's protocol: \(error)"
        case .gdbMissing: return "gdb is needed to attach to a running process and is not on PATH (Debian: apt-get install gdb)"
        case .agentMissing: return "this memlens build lacks the embedded agent"
        case .ptraceDenied(let pid, let detail): return "not allowed to attach to process \(pid): \(detail)"
        case .alreadyTraced(let pid, let tracer): return HintedText(tracer.refusal(of: pid))
        case .cannotPlaceAgent(let pid, let detail): return "cannot write the agent where process \(pid) can read it " +
            "(\(ProcPaths.root(pid: pid))/tmp): \(detail)"
        case .gdbFailed(let pid, let detail): return "gdb could not queue the agent in process \(pid): \(detail)"
        case .timedOut(let pid, let seconds, let state):
            return "no safe point in process \(pid) within \(saturatingInt(seconds)) s: \(state). " +
                "The target is unharmed; the queued call will do " +
                "nothing when it runs. Try again when the process is busy, or raise \(UsageHint.safePointTimeout)"
        case .targetExited(let pid): return "process \(pid) exited before the snapshot was written"
        case .agentFailed(let pid, let detail): return "the agent failed inside process \(pid): \(detail)"
        case .cannotWrite(let path, let detail): return "cannot write \(path): \(detail)"
        case .interrupted(let pid, let signal):
            return "interrupted (\(String(cString: strsignal(signal)))): memlens has let go of \(pid) (gdb detached, or the remote exec " +
                "request withdrawn) and the agent's files are removed, so a queued call does nothing; process \(pid) runs on unharmed"
        }
    }
}
