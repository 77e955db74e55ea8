public import PythonProcess

/// The parts of `_Py_DebugOffsets` that `sys.remote_exec`'s protocol (PEP 768)
/// needs, read by name from the one table reader (``DebugOffsets``): 3.14 and
/// later publish the remote debugger's fields (`debugger_support`), at
/// different places in 3.14's and 3.15's tables.
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

    /// How many bytes of `_PyRuntime` to read.
    public static let byteCount = DebugOffsets.byteCount
    /// `_PY_EVAL_PLEASE_STOP_BIT` (`Include/internal/pycore_ceval.h`): makes
    /// the thread enter `_Py_HandlePending`, which runs the pending script.
    public static let pleaseStopBit: UInt64 = 1 << 5

    /// The version of the interpreter that wrote a table, from its first 16
    /// bytes; nil when the cookie `xdebugpy` is absent (before 3.13, or not `_PyRuntime`).
    public static func version(ofTable bytes: [UInt8]) -> PythonVersion? { DebugOffsets.version(ofTable: bytes) }

    /// Parses a 3.14+ table. Throws `.unsupported` naming the version when the
    /// table has no remote debugger fields (3.13, or a version memlens has no
    /// field list for), is a 3.14 pre-release before the layout settled
    /// (3.14.0b2), or its offsets do not fit the structure sizes it gives.
    public init(bytes: [UInt8]) throws(RemoteExecError) {
        guard let version = Self.version(ofTable: bytes) else { throw .noDebugOffsets }
        // version(ofTable:) found the 8-byte cookie and the version word after it.
        let hex = UInt64(littleEndian: bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) })
        let level = hex >> 4 & 0xF  // 0xA alpha, 0xB beta, 0xC candidate, 0xF final
        let name = Self.versionName(hex)
        guard version.major == 3, version.minor >= 14, let table = DebugOffsets(bytes: bytes),
              let breaker = table["debugger_support.eval_breaker"] else { throw .unsupported(version: name) }
        guard version.minor > 14 || level >= 0xC || (level == 0xB && hex & 0xF >= 2) else { throw .unsupported(version: name) }
        func field(_ name: String) -> UInt64 { table[name] ?? 0 }
        versionHex = hex
        freeThreaded = table.freeThreaded
        interpretersHead = field("runtime_state.interpreters_head")
        interpreterSize = field("interpreter_state.size")
        threadsMain = field("interpreter_state.threads_main")
        threadStateSize = field("thread_state.size")
        evalBreaker = breaker
        remoteDebuggerSupport = field("debugger_support.remote_debugger_support")
        remoteDebuggingEnabled = field("debugger_support.remote_debugging_enabled")
        debuggerPendingCall = field("debugger_support.debugger_pending_call")
        debuggerScriptPath = field("debugger_support.debugger_script_path")
        debuggerScriptPathSize = field("debugger_support.debugger_script_path_size")
        // A table of another layout gives offsets outside the structures; the table is
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
