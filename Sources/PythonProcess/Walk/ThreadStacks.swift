public import ProcessModels
/// Reads the main thread's Python stack of a live process without stopping
/// it (as py-spy's non-blocking mode does): a frame list that changes while it
/// is read gives an error or a short stack, never a trap. CPython 3.8–3.15.
/// (A minimal reader for `watch`; the read-only snapshot reads every thread's frames
/// in `GraphWalk+Roots.swift`, through the same ``GraphLayout``.)
public struct StackReader {
    let state: InterpreterState
    /// The frame chain and code object offsets: the read-only snapshot's table.
    let layout: GraphLayout
    let reader: ObjectReader

    public init(python: PythonProcess) throws(ProcessAccessError) {
        try python.requireSupportedVersion()
        state = try InterpreterState(image: python.image, memory: python.memory, pid: python.pid)
        guard let layout = state.graph else { throw .unsupportedVersion(pid: python.pid, version: python.version.description) }
        self.layout = layout
        reader = ObjectReader(memory: python.memory, layout: state.layout)
    }

    /// The main thread's stack, innermost frame first; empty when it runs no Python code.
    public func mainThreadStack(maxDepth: Int = 128) throws(ProcessAccessError) -> [PythonFrame] {
        let thread = try mainThread()
        guard thread != 0 else { return [] }
        var stack: [PythonFrame] = []
        // 3.8–3.10 `tstate->frame`; 3.11–3.12 `tstate->cframe->current_frame`; 3.13 `tstate->current_frame`.
        var frame = try reader.word(thread &+ layout.threadFrame)
        if let current = layout.cframeCurrentFrame, frame != 0 { frame = try reader.word(frame &+ current) }
        while frame != 0, stack.count < maxDepth {
            // 3.12+: frames owned by the C stack or the interpreter (3, 3.14+ also 4) are shims without code.
            let owner = layout.frameIsObject ? 0 : try reader.memory.load(UInt8.self, at: frame &+ layout.frameOwner)
            if owner < 3 {
                let code = layout.object(inSlot: try reader.word(frame &+ layout.frameCode))
                let position = layout.linePosition(instructionWord: try reader.word(frame &+ layout.frameInstruction), code: code)
                stack.append(try describe(code: code, position: position))
            }
            frame = try reader.word(frame &+ layout.frameBack)
        }
        return stack
    }

    /// The main thread's `PyThreadState` (0 when there is none yet).
    func mainThread() throws(ProcessAccessError) -> UInt64 {
        // Thread states are pushed at the head: the main thread's is the last.
        try threadStates().last ?? 0
    }

    /// The interpreter's `PyThreadState`s, newest first, at most `limit` (a list read while it changes may
    /// end early or loop: the bound ends it).
    func threadStates(limit: Int = 10_000) throws(ProcessAccessError) -> [UInt64] {
        var threads: [UInt64] = []
        var thread = try reader.word(state.interpreter &+ state.layout.interpreterThreadsHead)
        while thread != 0, threads.count < limit {
            threads.append(thread)
            thread = try reader.word(thread &+ state.layout.threadStateNext)
        }
        return threads
    }

    /// Where the GIL's last holder (a `PyThreadState *`, the thread that runs or ran last) is in the target.
    var gilHolderAddress: UInt64 {
        (layout.gilHolderInRuntime ? state.runtime : state.interpreter) &+ layout.gilHolder
    }

    /// The function (3.11+: its qualified name), file and line of `code` at `position` (nil: its first line).
    func describe(code: UInt64, position: Int?) throws(ProcessAccessError) -> PythonFrame {
        guard let name = try reader.string(at: reader.word(code &+ (layout.codeQualname ?? layout.codeName)), maxLength: 256),
              let file = try reader.string(at: reader.word(code &+ layout.codeFilename), maxLength: 1024) else {
            throw .inconsistent(pid: 0, detail: "code object 0x\(String(code, radix: 16)) without a name (the stack moved)")
        }
        let first = Int(try reader.memory.load(Int32.self, at: code &+ layout.codeFirstLine))
        guard let position, let table = try bytes(of: reader.word(code &+ layout.codeLineTable)) else {
            return PythonFrame(function: name, file: file, line: first)
        }
        let line = LineTable.line(table, format: layout.lineTable, firstLine: first, position: position) ?? first
        return PythonFrame(function: name, file: file, line: line)
    }

    /// The contents of a `bytes` object (at most 64 KiB).
    func bytes(of object: UInt64) throws(ProcessAccessError) -> [UInt8]? {
        guard object != 0, try reader.flags(ofType: reader.typeOf(object)) & ObjectReader.bytesSubclass != 0 else { return nil }
        let fields = reader.layout.objects
        let length = try reader.memory.load(Int64.self, at: object &+ fields.varSize)
        guard length >= 0, length <= 1 << 16 else { return nil }
        return try reader.memory.bytes(at: object &+ fields.bytesData, count: Int(length))
    }
}
