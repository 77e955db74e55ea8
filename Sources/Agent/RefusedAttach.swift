import PythonProcess

/// What to do about a refused attach to `pid`: the cause `/proc` points at
/// (a missing CAP_SYS_PTRACE, the Yama scope, another owner, a process that
/// is not dumpable), as ``PtraceDiagnosis`` names it.
func refusedAttachHint(_ pid: Int32) -> String {
    PtraceDiagnosis.current(pid: pid).hint
}
