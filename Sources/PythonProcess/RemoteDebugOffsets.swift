/// The parts of CPython 3.14's `_Py_DebugOffsets` (the table at
/// `_PyRuntime+0`, `Include/internal/pycore_debug_offsets.h` at v3.14.0)
/// that `sys.remote_exec`'s protocol (PEP 768) needs. The 3.14 table is
/// 760 bytes of `uint64_t`: 3.14 added fields in the middle of 3.13's
/// groups (`threads_main`, `code_object_generation`, `tlbc_index`, a set
/// group, …) and appended `gen_object`, `llist_node` and `debugger_support`,
/// so its offsets are its own; ``DebugOffsets`` stays 3.13's.
public struct RemoteDebugOffsets: Sendable, Equatable {
    /// `PY_VERSION_HEX` of the interpreter that wrote the table.
    public var versionHex: UInt64
    public var freeThreaded: Bool
    /// `runtime_state.interpreters_head`: the first `PyInterpreterState *` within `_PyRuntime`.
    public var interpretersHead: UInt64
    /// `interpreter_state.size`: `sizeof(PyInterpreterState)`.
    public var interpreterSize: UInt64
    /// `interpreter_state.threads_main`: the main thread's `PyThreadState *`.
    public var threadsMain: UInt64
    /// `thread_state.size`: `sizeof(PyThreadState)`.
    public var threadStateSize: UInt64
    /// `debugger_support.eval_breaker`: `uintptr_t` within `PyThreadState`.
    public var evalBreaker: UInt64
    /// `debugger_support.remote_debugger_support`: `_PyRemoteDebuggerSupport` within `PyThreadState`.
    public var remoteDebuggerSupport: UInt64
    /// `debugger_support.remote_debugging_enabled`: `config.remote_debug` (an int) within `PyInterpreterState`.
    public var remoteDebuggingEnabled: UInt64
    /// `debugger_support.debugger_pending_call`: an `int32_t` within `_PyRemoteDebuggerSupport`.
    public var debuggerPendingCall: UInt64
    /// `debugger_support.debugger_script_path`: a `char[]` within `_PyRemoteDebuggerSupport`.
    public var debuggerScriptPath: UInt64
    /// `debugger_support.debugger_script_path_size`: that array's length (512).
    public var debuggerScriptPathSize: UInt64

    /// `sizeof(_Py_DebugOffsets)` in 3.14: how many bytes of `_PyRuntime` to read.
    public static let byteCount = 760
    /// `_PY_EVAL_PLEASE_STOP_BIT` (`Include/internal/pycore_ceval.h`): makes
    /// the thread enter `_Py_HandlePending`, which runs the pending script.
    public static let pleaseStopBit: UInt64 = 1 << 5

    /// The version of the interpreter that wrote a table, from its first 16
    /// bytes; nil when the cookie `xdebugpy` is absent (before 3.13, or not `_PyRuntime`).
    public static func version(ofTable bytes: [UInt8]) -> PythonVersion? {
        guard bytes.count >= 16, bytes.starts(with: Array("xdebugpy".utf8)) else { return nil }
        return PythonVersion(hex: UInt32(truncatingIfNeeded: bytes.le(UInt64.self, 8)))
    }

    /// Parses a 3.14 table. Throws `.unsupported` naming the version when the
    /// table is another version's (3.15's layout is not 3.14's), a 3.14
    /// pre-release before the layout settled (3.14.0b2), or its offsets do
    /// not fit the structure sizes it gives.
    public init(bytes: [UInt8]) throws(RemoteExecError) {
        guard let version = Self.version(ofTable: bytes) else { throw .noDebugOffsets }
        func word(_ offset: Int) -> UInt64 { bytes.le(UInt64.self, offset) }
        let hex = word(8)
        let level = hex >> 4 & 0xF  // 0xA alpha, 0xB beta, 0xC candidate, 0xF final
        let name = Self.versionName(hex)
        guard version.major == 3, version.minor == 14, bytes.count >= Self.byteCount else { throw .unsupported(version: name) }
        guard level >= 0xC || (level == 0xB && hex & 0xF >= 2) else { throw .unsupported(version: name) }
        versionHex = hex
        freeThreaded = word(16) != 0
        interpretersHead = word(40)
        interpreterSize = word(48)
        threadsMain = word(80)
        threadStateSize = word(176)
        evalBreaker = word(712)
        remoteDebuggerSupport = word(720)
        remoteDebuggingEnabled = word(728)
        debuggerPendingCall = word(736)
        debuggerScriptPath = word(744)
        debuggerScriptPathSize = word(752)
        // A table of another layout read as 3.14's gives offsets outside the structures; the table is
        // in the target's writable memory, so every word is bounded before it is added.
        let words = [interpretersHead, interpreterSize, threadsMain, threadStateSize, evalBreaker, remoteDebuggerSupport,
                     remoteDebuggingEnabled, debuggerPendingCall, debuggerScriptPath, debuggerScriptPathSize]
        guard words.allSatisfy({ $0 < 1 << 24 }) else { throw .unsupported(version: name) }
        let fits = threadsMain + 8 <= interpreterSize && remoteDebuggingEnabled + 4 <= interpreterSize
            && evalBreaker + 8 <= threadStateSize
            && remoteDebuggerSupport + debuggerPendingCall + 4 <= threadStateSize
            && remoteDebuggerSupport + debuggerScriptPath + debuggerScriptPathSize <= threadStateSize
            && (2...4096).contains(debuggerScriptPathSize)
        guard fits else { throw .unsupported(version: name) }
    }

    /// The interpreter version the table names.
    public var version: PythonVersion { PythonVersion(hex: UInt32(truncatingIfNeeded: versionHex)) }

    /// `3.14.0`, `3.14.0b1`: the release level spelled as Python does.
    static func versionName(_ hex: UInt64) -> String {
        let base = PythonVersion(hex: UInt32(truncatingIfNeeded: hex)).description
        let levels: [UInt64: String] = [0xA: "a", 0xB: "b", 0xC: "rc"]
        return levels[hex >> 4 & 0xF].map { base + $0 + String(hex & 0xF) } ?? base
    }
}
