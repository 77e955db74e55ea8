public import PythonProcess

/// Why `sys.remote_exec`'s protocol (PEP 768) could not ask a target to run
/// a script. `description` is one line, ready to follow `process PID: `.
public enum RemoteExecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `_PyRuntime` does not start with the `xdebugpy` table.
    case noDebugOffsets
    /// The table is not 3.14's layout (another minor version, an early 3.14 pre-release).
    case unsupported(version: String)
    /// `config.remote_debug` is 0 in the target.
    case disabled
    /// `_PyRuntime.interpreters.head` is NULL (finalizing, or not yet initialized).
    case noInterpreter
    /// `interp->threads.main` is NULL.
    case noMainThread
    /// The script path does not fit `debugger_script_path`.
    case pathTooLong(length: Int, limit: Int)
    /// The main thread already has a request pending (another debugger's).
    case busy
    /// Reading or writing the target failed.
    case access(ProcessAccessError)

    public var description: String {
        switch self {
        case .noDebugOffsets:
            return "no _Py_DebugOffsets table (cookie \"xdebugpy\") at the start of _PyRuntime"
        case .unsupported(let version):
            return "Python \(version) is an unsupported version for remote exec: its _Py_DebugOffsets table is not a layout " +
                "memlens reads (3.14.0b2 and later 3.14 releases, 3.15)"
        case .disabled:
            return "remote debugging is disabled in this Python (PYTHON_DISABLE_REMOTE_DEBUG set, -X disable_remote_debug, or built " +
                "--without-remote-debug), so sys.remote_exec's protocol cannot run the agent; restart it without that setting"
        case .noInterpreter:
            return "no running interpreter in _PyRuntime (the process is starting up or shutting down)"
        case .noMainThread:
            return "the interpreter has no main thread state (it is shutting down)"
        case .pathTooLong(let length, let limit):
            return "the agent's script path is \(length) bytes; the target takes at most \(limit - 1)"
        case .busy:
            return "another remote exec request (a debugger's) is already pending in the main thread; retry when it has run"
        case .access(let error):
            return error.description
        }
    }
}
