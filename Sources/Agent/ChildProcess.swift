import Foundation
public import SafeFiles
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// What every memlens command that runs a command shares: the child's
/// environment, the status it exited with, and the private folder holding
/// the hook its `sitecustomize` loads. Started with ``ProcessSpawner``,
/// waited for with ``ForwardedSignals``.
public enum ChildProcess {
    /// memlens's own environment with `folder` first on `PYTHONPATH` and
    /// `settings` set (a nil value removes the variable).
    public static func environment(pythonPathFirst folder: String, _ settings: [String: String?] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = pythonPath(first: folder, inherited: environment["PYTHONPATH"])
        for (key, value) in settings { environment[key] = value }
        return environment
    }

    /// `folder` followed by the inherited `PYTHONPATH` as the user had it. An
    /// empty element would put the working folder ahead of the standard
    /// library (a planted `json.py` there would run in the target), so none is
    /// added: an unset or empty inherited value gives `folder` alone.
    public static func pythonPath(first folder: String, inherited: String?) -> String {
        guard let inherited, !inherited.isEmpty else { return folder }
        return folder + ":" + inherited
    }

    /// The status a shell reports for `waitpid`'s `status`: the exit code, or
    /// 128 + the number of the signal that ended the process.
    public static func exitStatus(waitStatus status: Int32) -> Int32 {
        status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)  // WIFEXITED ? WEXITSTATUS : WTERMSIG
    }

    /// A new pipe: its read and write ends (both inherited across exec until the
    /// caller sets close-on-exec on its own end). The corresponding C call is `pipe`.
    static func makePipe() throws(LaunchError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .system("pipe", Errno(rawValue: errno)) }
        return (ends[0], ends[1])
    }

    /// A new socket pair: memlens's end (close-on-exec) and the child's (inherited).
    /// The corresponding C call is `socketpair`.
    static func makeSocketPair() throws(LaunchError) -> (memlens: Int32, child: Int32) {
        var ends: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0 else { throw .system("socketpair", Errno(rawValue: errno)) }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }

    /// Whether `pid` has exited (or was reaped already), without reaping it:
    /// safe from any thread while another waits for it.
    static func hasEnded(_ pid: Int32) -> Bool {
        var seen = siginfo_t()
        guard waitid(P_PID, id_t(pid), &seen, WEXITED | WNOHANG | WNOWAIT) == 0 else { return errno == ECHILD }
        return seen._sifields._sigchld.si_pid == pid
    }

    /// `pid`'s exit status if it has exited (reaping it), without waiting; 0
    /// if it is not (or no longer) a child of this process.
    public static func reap(_ pid: Int32) -> Int32? {
        // Look without collecting (WNOWAIT) and reap only an exit: a ptrace stop
        // of the child (a census by `watch -- CMD` traces it from another thread)
        // is its tracer's to collect.
        var seen = siginfo_t()
        guard waitid(P_PID, id_t(pid), &seen, WEXITED | WNOHANG | WNOWAIT) == 0 else { return errno == ECHILD ? 0 : nil }
        guard seen._sifields._sigchld.si_pid == pid,
              [Int(CLD_EXITED), Int(CLD_KILLED), Int(CLD_DUMPED)].contains(Int(seen.si_code)) else { return nil }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        return exitStatus(waitStatus: status)
    }

    /// A new private folder (``PrivateFolder``) for a command run with one of
    /// the agent's hooks: the embedded file `hook` (a path under `python/`) written as `<module>.py`,
    /// and a `sitecustomize.py` that imports it, calls its `start()`, then runs
    /// the user's own sitecustomize. Put its path first on `PYTHONPATH`.
    public static func hookFolder(_ hook: String, module: String, prefix: String) throws -> PrivateFolder {
        guard let source = AgentFiles.text(of: hook) else { throw LaunchError.hookMissing(hook) }
        let folder = try PrivateFolder.create(prefix: prefix)
        do {
            try folder.directory.createFile("\(module).py", contents: Array(source.utf8), mode: AgentFiles.readable)
            let sitecustomize = """
                # Written by memlens: starts its \(hook) hook, then runs your own sitecustomize.
                import \(module)
                \(module).start()


                import _memlens_chain
                _memlens_chain.chain_sitecustomize(__file__)

                """
            try AgentFiles.writeSitecustomize(sitecustomize, into: folder.directory)
        } catch {
            folder.remove()
            throw error
        }
        return folder
    }
}

/// The signals memlens passes on to the command it runs (``Launcher/forwarded``):
/// blocked in memlens from before the command starts until it has exited, and
/// taken with `sigtimedwait`, SIGCHLD included so its exit wakes the wait.
/// Ctrl-C, Ctrl-\ and window changes from the terminal already reached the
/// command, which shares memlens's process group: only signals sent to memlens
/// itself are passed on.
public struct ForwardedSignals {
    private var waited = sigset_t()
    private var previous = sigset_t()

    /// Blocks the forwarded signals and SIGCHLD: call before starting the
    /// command (``ProcessSpawner`` gives it them at their defaults), and
    /// ``restore()`` once it has exited.
    public init() {
        sigemptyset(&waited)
        for s in Launcher.forwarded + [SIGCHLD] { sigaddset(&waited, s) }
        pthread_sigmask(SIG_BLOCK, &waited, &previous)
    }

    /// Puts back the signal mask memlens had before.
    public func restore() {
        var mask = previous
        pthread_sigmask(SIG_SETMASK, &mask, nil)
    }

    /// Waits up to `seconds` for one signal and passes it on to `child` (nil:
    /// the child has been reaped, drop it). Whether a signal (SIGCHLD too) came.
    @discardableResult
    public func forward(to child: Int32?, waitingUpTo seconds: Double) -> Bool {
        var set = waited
        var info = siginfo_t()
        let whole = max(seconds, 0).rounded(.down)
        var timeout = timespec(tv_sec: saturatingInt(whole), tv_nsec: saturatingInt((max(seconds, 0) - whole) * 1e9))
        let signal = sigtimedwait(&set, &info, &timeout)
        guard signal > 0 else { return false }
        let fromTerminal = (signal == SIGINT || signal == SIGQUIT || signal == SIGWINCH) && info.si_code == SI_KERNEL
        if let child, signal != SIGCHLD, !fromTerminal { kill(child, signal) }
        return true
    }

    /// Passes on every signal already pending.
    public func forwardPending(to child: Int32?) {
        while forward(to: child, waitingUpTo: 0) {}
    }

    /// Waits for `child` to exit, passing signals on; its exit status
    /// (128 + signal number if a signal ended it).
    public func waitForExit(_ child: Int32) -> Int32 {
        while true {
            if let status = ChildProcess.reap(child) { return status }
            forward(to: child, waitingUpTo: 1)  // SIGCHLD ends the wait at once
        }
    }
}
