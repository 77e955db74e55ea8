public import PythonProcess

/// `sys.remote_exec`'s protocol (PEP 768, CPython 3.14+), done from outside
/// with `process_vm_readv`/`process_vm_writev`: no ptrace, no stop, no gdb.
/// As CPython's own client (`Python/remote_debugging.c`):
///
/// 1. read `_Py_DebugOffsets` at `_PyRuntime` (``RemoteDebugOffsets``);
/// 2. the interpreter is `_PyRuntime.interpreters.head`; remote debugging must
///    be enabled there (`config.remote_debug == 1`);
/// 3. the main thread's state is `interp->threads.main`;
/// 4. write the script path (NUL-terminated) into its
///    `remote_debugger_support.debugger_script_path`, set
///    `debugger_pending_call` to 1, and OR `_PY_EVAL_PLEASE_STOP_BIT` into
///    its `eval_breaker` (read, OR, write back).
///
/// The main thread then runs the file at its next eval-breaker check
/// (`_Py_HandlePending` → `_PyRunRemoteDebugger`: `PyRun_String` of its
/// source in a fresh namespace), after any scheduled collection: never
/// mid-collection, never on another thread.
///
///     let exec = try RemoteExec(runtime: address, memory: memory)
///     let request = try exec.send(scriptPath: "/tmp/run.py", memory: memory)
///     …                                   // gave up waiting:
///     exec.withdraw(request, memory: memory)
public struct RemoteExec: Sendable {
    /// Address of `_PyRuntime` in the target.
    public let runtime: UInt64
    public let offsets: RemoteDebugOffsets

    /// Where one request was written.
    public struct Request: Sendable, Equatable {
        public var interpreter: UInt64
        /// The main thread's `PyThreadState`.
        public var threadState: UInt64
        public var scriptPath: UInt64
        public var pendingCall: UInt64
        public var evalBreaker: UInt64
    }

    /// Reads and checks the 3.14 table at `runtime`.
    public init(runtime: UInt64, memory: some MemorySource) throws(RemoteExecError) {
        self.runtime = runtime
        let bytes = try Self.access { () throws(ProcessAccessError) in try memory.bytes(at: runtime, count: RemoteDebugOffsets.byteCount) }
        offsets = try RemoteDebugOffsets(bytes: bytes)
    }

    /// Pointers read from the target above this are not user-space addresses (57-bit virtual addresses at most).
    static let addressLimit: UInt64 = 1 << 57

    /// The main thread's addresses, after checking remote debugging is enabled.
    public func locate(memory: some MemorySource) throws(RemoteExecError) -> Request {
        let o = offsets
        let interpreter = try Self.access { () throws(ProcessAccessError) in try memory.pointer(at: runtime + o.interpretersHead) }
        guard interpreter != 0 else { throw .noInterpreter }
        guard interpreter < Self.addressLimit else {
            throw .access(.inconsistent(pid: 0, detail: "interpreter pointer 0x\(String(interpreter, radix: 16))"))
        }
        let enabled = try Self.access { () throws(ProcessAccessError) in try memory.load(Int32.self,
            at: interpreter + o.remoteDebuggingEnabled) }
        guard enabled == 1 else { throw .disabled }
        let thread = try Self.access { () throws(ProcessAccessError) in try memory.pointer(at: interpreter + o.threadsMain) }
        guard thread != 0 else { throw .noMainThread }
        guard thread < Self.addressLimit else {
            throw .access(.inconsistent(pid: 0, detail: "thread state pointer 0x\(String(thread, radix: 16))"))
        }
        let support = thread + o.remoteDebuggerSupport
        return Request(interpreter: interpreter, threadState: thread, scriptPath: support + o.debuggerScriptPath,
                       pendingCall: support + o.debuggerPendingCall, evalBreaker: thread + o.evalBreaker)
    }

    /// Asks the main thread to run the file at `scriptPath` (as the target
    /// sees it) at its next safe point. Refuses to overwrite a request
    /// still pending (another debugger's).
    @discardableResult
    public func send(scriptPath: String, memory: some MemorySource & MemoryWriter) throws(RemoteExecError) -> Request {
        let path = Array(scriptPath.utf8)
        let limit = Int(offsets.debuggerScriptPathSize)
        guard path.count < limit else { throw .pathTooLong(length: path.count, limit: limit) }
        let request = try locate(memory: memory)
        let written = try Self.access { () throws(ProcessAccessError) -> Bool in
            guard try memory.load(Int32.self, at: request.pendingCall) != 1 else { return false }
            try memory.write(path + [0], at: request.scriptPath)
            try memory.write(Self.littleEndian(Int32(1)), at: request.pendingCall)
            let breaker = try memory.load(UInt64.self, at: request.evalBreaker)
            try memory.write(Self.littleEndian(breaker | RemoteDebugOffsets.pleaseStopBit), at: request.evalBreaker)
            return true
        }
        guard written else { throw .busy }
        return request
    }

    /// Withdraws a request the target has not taken yet: clears the pending
    /// flag and empties the path (a thread that already saw the flag then
    /// copies an empty path and runs nothing). The eval-breaker bit is left:
    /// the thread clears it itself at its next check, as for any stop request.
    public func withdraw(_ request: Request, memory: some MemoryWriter) {
        try? memory.write(Self.littleEndian(Int32(0)), at: request.pendingCall)
        try? memory.write([0], at: request.scriptPath)
    }

    /// Whether the target has taken the request (its pending flag is back to 0).
    public func taken(_ request: Request, memory: some MemorySource) -> Bool {
        (try? memory.load(Int32.self, at: request.pendingCall)) == 0
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    static func access<T>(_ body: () throws(ProcessAccessError) -> T) throws(RemoteExecError) -> T {
        do { return try body() } catch { throw .access(error) }
    }
}
