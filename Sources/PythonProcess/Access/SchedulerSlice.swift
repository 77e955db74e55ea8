import CProcessAccess
#if canImport(Glibc)
import Glibc
#endif

/// How the kernel schedules a thread that samples another process: a short
/// time slice, so that on a busy machine it runs soon after it wakes instead
/// of a few milliseconds later (EEVDF, Linux 6.12+; no privilege needed), or,
/// where allowed, the lowest real-time priority while it reads.
///
/// Why real time: reading another process's memory (`process_vm_readv`,
/// `smaps_rollup`) holds that process's mapping lock. A reader preempted by a
/// busy neighbour while it holds it makes the target's own `mmap` wait, and
/// every later reader waits behind that (3–60 ms measured beside two busy
/// loops on 2 CPUs): a real-time reader is not preempted by ordinary threads.
public enum SchedulerSlice {
    /// Asks for a slice of `microseconds` (100–100,000); false where the
    /// kernel does not take one (before 6.12, or refused): nothing changed.
    /// The corresponding C function is `sched_setattr`.
    @discardableResult
    public static func request(microseconds: UInt64) -> Bool {
        memlens_request_slice(microseconds &* 1000) == 0
    }

    /// Runs the calling thread before every ordinary one (`SCHED_FIFO` at
    /// priority 1) until ``endRealtime()``; false where it is refused (neither
    /// root nor `CAP_SYS_NICE`, or `RLIMIT_RTPRIO` 0): nothing changed. Only
    /// for a thread that reads for microseconds and then sleeps: the kernel
    /// keeps real-time threads to 95% of a CPU, but ordinary ones on that CPU
    /// wait while it runs.
    @discardableResult
    public static func requestRealtime() -> Bool {
        var parameters = sched_param()
        parameters.sched_priority = 1
        return pthread_setschedparam(pthread_self(), Int32(SCHED_FIFO), &parameters) == 0
    }

    /// The calling thread back to the ordinary policy.
    public static func endRealtime() {
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = pthread_setschedparam(pthread_self(), Int32(SCHED_OTHER), &parameters)
    }
}
