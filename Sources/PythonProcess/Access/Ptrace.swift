import CProcessAccess
import Glibc
import SystemPackage

/// The ptrace calls the stopper needs, each wrapped once: a failure is thrown
/// as its `Errno`. All calls for one tracee must come from the thread that seized it.
enum Ptrace {
    /// Attaches to thread `tid` without stopping it. The corresponding C call is `ptrace(PTRACE_SEIZE)`.
    static func seize(_ tid: Int32) throws(Errno) { try check(memlens_ptrace_seize(tid)) }

    /// Asks a seized thread to stop. The corresponding C call is `ptrace(PTRACE_INTERRUPT)`.
    static func interrupt(_ tid: Int32) throws(Errno) { try check(memlens_ptrace_interrupt(tid)) }

    /// Lets a stopped thread go, delivering `signal` (0: none). The corresponding C call is `ptrace(PTRACE_DETACH)`.
    static func detach(_ tid: Int32, signal: Int32) throws(Errno) { try check(memlens_ptrace_detach(tid, signal)) }

    /// What `waitpid` saw for one thread.
    enum Report: Equatable {
        /// Stopped by our interrupt (or a group stop).
        case stopped
        /// Stopped on the way to delivering `signal`; hand it back on detach.
        case signalled(Int32)
        /// The thread is gone.
        case gone
        /// Nothing yet (`WNOHANG`).
        case pending
    }

    /// Waits (or polls, with `block == false`) for a state change of `tid`.
    /// The corresponding C call is `waitpid(tid, &status, __WALL)`.
    static func wait(_ tid: Int32, block: Bool) -> Report {
        var status: Int32 = 0
        while true {
            let r = memlens_waitpid(tid, &status, block ? 0 : memlens_wnohang())
            if r == 0 { return .pending }
            if r < 0 {
                if errno == EINTR { continue }
                return .gone  // ECHILD: not ours any more (exited and reaped)
            }
            if memlens_wifexited(status) != 0 || memlens_wifsignaled(status) != 0 { return .gone }
            guard memlens_wifstopped(status) != 0 else { return .pending }
            if memlens_ptrace_event(status) == memlens_ptrace_event_stop() { return .stopped }
            let signal = memlens_wstopsig(status)
            return signal == SIGTRAP ? .stopped : .signalled(signal)
        }
    }

    private static func check(_ result: Int32) throws(Errno) {
        if result != 0 { throw Errno(rawValue: errno) }
    }
}
