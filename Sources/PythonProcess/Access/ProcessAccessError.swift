public import ProcessModels
public import SystemPackage

/// Why memlens could not read a process. Every case names the pid and, where
/// there is one, says what to do about it. `description` is one line, ready to
/// print after `error: `.
public enum ProcessAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `/proc/PID` does not exist.
    case noSuchProcess(pid: Int32)
    /// The process exited while memlens was reading it.
    case exited(pid: Int32)
    /// The kernel refused `operation` (`ptrace`, `process_vm_readv`).
    /// `ptraceScope` is `kernel.yama.ptrace_scope` when Yama is present.
    case permissionDenied(pid: Int32, operation: String, ptraceScope: Int?)
    /// Another tracer (a debugger, strace) already holds the process.
    case alreadyTraced(pid: Int32, tracer: Int32)
    /// No CPython interpreter (`_PyRuntime`) in the process's executable or libraries.
    case notPython(pid: Int32, detail: String)
    /// A CPython memlens has no layout for.
    case unsupportedVersion(pid: Int32, version: String)
    /// Memory at `address` could not be read (`errno`).
    case unreadable(pid: Int32, address: UInt64, errno: Errno)
    /// `ptrace(request)` on thread `thread` failed for a reason other than permission or the thread's exit.
    case ptraceFailed(pid: Int32, thread: Int32, request: String, errno: Errno)
    /// An ELF file could not be parsed.
    case badELF(path: String, detail: String)
    /// The interpreter's state did not look right (a pointer out of range, a cycle).
    case inconsistent(pid: Int32, detail: String)
    /// The garbage collector was running every time memlens tried to stop the process.
    case alwaysCollecting(pid: Int32, attempts: Int)
    /// A core file that cannot be read, or holds no heap memlens can census.
    case coreFile(path: String, detail: HintedText)
    /// memlens could not get `bytes` of memory to copy the process's into (`errno`).
    case copyNotAllocated(pid: Int32, bytes: UInt64, errno: Errno)
    /// A free-threaded CPython (3.13t+, `Py_GIL_DISABLED`, from its `_Py_DebugOffsets`): its objects live in
    /// per-thread mimalloc heaps, not the collector's lists memlens walks.
    case freeThreaded(pid: Int32, version: String)
    /// The target's memory failed `check` against memlens's layout for `version` (``LayoutCheck``): nothing was walked.
    case layoutMismatch(pid: Int32, version: String, check: String, detail: String)

    public var description: String {
        switch self {
        case .noSuchProcess(let pid):
            return "no process with pid \(pid) (it does not exist, or has already exited)"
        case .exited(let pid):
            return "process \(pid) exited while memlens was reading it; nothing reported"
        case .permissionDenied(let pid, let operation, let scope):
            // Why, from /proc as it is now (memlens's capabilities, the target's owner and dumpability).
            return "permission denied: cannot \(operation) process \(pid); " + PtraceDiagnosis.current(pid: pid, scope: .some(scope)).hint
        case .alreadyTraced(let pid, let tracer):
            return Tracer(pid: tracer, name: Tracer.name(of: tracer)).refusal(of: pid)
        case .notPython(let pid, let detail):
            return "process \(pid) is not a CPython process: \(detail)"
        case .unsupportedVersion(let pid, let version):
            return "process \(pid) runs Python \(version); memlens reads the memory of CPython 3.8–3.13, 3.14.5+ and 3.15"
        case .unreadable(let pid, let address, let errno):
            return "cannot read memory of process \(pid) at 0x\(String(address, radix: 16)): \(errno)"
        case .ptraceFailed(let pid, let thread, let request, let errno):
            return "ptrace(\(request)) of thread \(thread) of process \(pid) failed: \(errno)"
        case .badELF(let path, let detail):
            return "cannot read ELF file \(path): \(detail)"
        case .inconsistent(let pid, let detail):
            return "the interpreter state of process \(pid) looks inconsistent: \(detail)"
        case .alwaysCollecting(let pid, let attempts):
            return "process \(pid) was collecting garbage each of \(attempts) times memlens tried to stop it; retry later"
        case .coreFile(let path, let detail):
            return "core file \(path): \(detail)"
        case .freeThreaded(let pid, let version):
            return "process \(pid) runs a free-threaded CPython \(version) (built with Py_GIL_DISABLED): its objects live in " +
                "per-thread mimalloc heaps, which memlens does not read yet; footprint works, and a snapshot by the agent"
        case .layoutMismatch(let pid, let version, let check, let detail):
            return "process \(pid) runs Python \(version), whose memory does not match memlens's layout for it " +
                "(check '\(check)' failed: \(detail)); memlens does not walk it"
        case .copyNotAllocated(let pid, let bytes, let errno):
            return "cannot allocate \(bytes >> 20) MiB to copy the memory of process \(pid) into: \(errno); " +
                "free memory on this machine and retry (the process was not stopped for long)"
        }
    }

    /// This error with `pid` in place of the 0 that a walk over a copy or a
    /// core (which knows no pid) puts in `.inconsistent` and `.unreadable`.
    func naming(pid: Int32) -> ProcessAccessError {
        switch self {
        case .inconsistent(0, let detail): return .inconsistent(pid: pid, detail: detail)
        case .unreadable(0, let address, let errno): return .unreadable(pid: pid, address: address, errno: errno)
        default: return self
        }
    }
}

extension ProcessAccessError: HintedError {
    /// The message, with a hint where a setting of the command line could help (a core file's executable).
    public var message: HintedText {
        if case .coreFile(let path, let detail) = self { return "core file \(path): \(detail)" }
        return HintedText(description)
    }
}
