/// Reads the main thread's Python stack of a live process without stopping
/// it (as py-spy's non-blocking mode does): a frame list that changes while it
/// is read gives an error or a short stack, never a trap. CPython 3.8–3.13.
/// (A minimal reader for `watch`; the whole-graph walker with frame roots is separate.)
public struct StackReader {
    let state: InterpreterState
    let frames: FrameLayout
    let reader: ObjectReader

    public init(python: PythonProcess) throws(ProcessAccessError) {
        try python.requireSupportedVersion()
        guard let frames = FrameLayout.forMinor(python.version.minor) else {
            throw .unsupportedVersion(pid: python.pid, version: python.version.description)
        }
        state = try InterpreterState(image: python.image, memory: python.memory, pid: python.pid)
        self.frames = frames
        reader = ObjectReader(memory: python.memory, layout: state.layout)
    }

    /// The main thread's stack, innermost frame first; empty when it runs no Python code.
    public func mainThreadStack(maxDepth: Int = 128) throws(ProcessAccessError) -> [PythonFrame] {
        // Thread states are pushed at the head: the main thread's is the last.
        var thread = try reader.word(state.interpreter &+ state.layout.interpreterThreadsHead)
        var count = 0
        while thread != 0, count < 10_000 {
            let next = try reader.word(thread &+ state.layout.threadStateNext)
            if next == 0 { break }
            thread = next
            count += 1
        }
        guard thread != 0 else { return [] }
        var stack: [PythonFrame] = []
        switch frames.chain {
        case let .frameObjects(threadFrame, back, code, lasti):
            var frame = try reader.word(thread &+ threadFrame)
            while frame != 0, stack.count < maxDepth {
                let codeObject = try reader.word(frame &+ code)
                let index = Int(try reader.memory.load(Int32.self, at: frame &+ lasti))
                stack.append(try describe(code: codeObject, instruction: index))
                frame = try reader.word(frame &+ back)
            }
        case let .interpreterFrames(cframe, current, code, previous, instruction, owner):
            let holder = try cframe.map { (offset) throws(ProcessAccessError) in try reader.word(thread &+ offset) } ?? thread
            var frame = try reader.word(holder &+ current)
            while frame != 0, stack.count < maxDepth {
                // 3.12+: frames owned by the C stack (3) are shims between C and Python calls.
                if try reader.memory.load(UInt8.self, at: frame &+ owner) != 3 {
                    let codeObject = try reader.word(frame &+ code)
                    let pointer = try reader.word(frame &+ instruction)
                    let start = codeObject &+ frames.codeBytecode
                    let index = pointer >= start && pointer - start < 1 << 24 ? Int((pointer - start) / 2) : -1
                    stack.append(try describe(code: codeObject, instruction: index))
                }
                frame = try reader.word(frame &+ previous)
            }
        }
        return stack
    }

    /// The function, file and line of `code` at instruction `index` (3.8–3.9: a byte offset).
    func describe(code: UInt64, instruction index: Int) throws(ProcessAccessError) -> PythonFrame {
        guard let name = try reader.string(at: reader.word(code &+ frames.codeName), maxLength: 256),
              let file = try reader.string(at: reader.word(code &+ frames.codeFilename), maxLength: 1024) else {
            throw .inconsistent(pid: 0, detail: "code object 0x\(String(code, radix: 16)) without a name (the stack moved)")
        }
        let first = Int(try reader.memory.load(Int32.self, at: code &+ frames.codeFirstLine))
        var line = first
        if index >= 0, let table = try bytes(of: reader.word(code &+ frames.codeLineTable)) {
            // 3.10's f_lasti counts 2-byte code units; the table, bytes.
            let position = frames.minor == 10 ? 2 * index : index
            line = LineTable.line(table, format: .init(minor: frames.minor), firstLine: first, position: position) ?? first
        }
        return PythonFrame(function: name, file: file, line: line)
    }

    /// The contents of a `bytes` object (at most 64 KiB).
    func bytes(of object: UInt64) throws(ProcessAccessError) -> [UInt8]? {
        guard object != 0, try reader.flags(ofType: reader.typeOf(object)) & ObjectReader.bytesSubclass != 0 else { return nil }
        let length = try reader.memory.load(Int64.self, at: object &+ 16)
        guard length >= 0, length <= 1 << 16 else { return nil }
        return try reader.memory.bytes(at: object &+ 32, count: Int(length))  // PyBytesObject: ob_sval after ob_shash
    }
}
