import CProcessAccess

/// The kernel's time slice for the calling thread: a thread that wakes a
/// thousand times a second to sample another process asks for a short one,
/// so that on a busy machine it runs soon after it wakes instead of a few
/// milliseconds later (EEVDF, Linux 6.12+). Its policy and nice value stay as
/// they are: no privilege is needed.
public enum SchedulerSlice {
    /// Asks for a slice of `microseconds` (100–100,000); false where the
    /// kernel does not take one (before 6.12, or refused): nothing changed.
    /// The corresponding C function is `sched_setattr`.
    @discardableResult
    public static func request(microseconds: UInt64) -> Bool {
        memlens_request_slice(microseconds &* 1000) == 0
    }
}
