#if canImport(Glibc)
import Glibc
#endif

/// Holds Ctrl-C, SIGTERM and SIGHUP while memlens works in another process,
/// so each step (gdb attached, an agent job queued, an observation window)
/// is finished and undone before memlens exits: the signals are blocked and
/// then asked for between steps. The previous signal mask comes back when
/// the guard goes away.
public final class InterruptGuard {
    private var signals = sigset_t()
    private var previousMask = sigset_t()

    public init() {
        sigemptyset(&signals)
        for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, s) }
        pthread_sigmask(SIG_BLOCK, &signals, &previousMask)
    }

    deinit { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }

    /// A held signal that arrived, consumed; nil if none.
    public func pending() -> Int32? { wait(milliseconds: 0) }

    /// Waits up to `milliseconds` for a held signal; nil if none came.
    public func wait(milliseconds: Int) -> Int32? {
        var set = signals
        var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }
}
