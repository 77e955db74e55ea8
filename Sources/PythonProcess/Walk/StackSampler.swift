public import ProcessModels

/// Reads the Python stack of the thread that holds the GIL (the one running
/// Python, or the one that ran last while the GIL is released) of a live process
/// a thousand times a second without stopping it, in a handful of
/// `process_vm_readv` calls: the GIL's holder in the same read as the current
/// frame of the thread read last (the one that holds it, most often), the
/// frames that did not change since the last read (the callers of the code
/// that runs) are checked in one vectored read instead of being walked again,
/// every frame's code object in another, and a code object's names and line
/// table are read once. What `watch`'s growth attribution samples. The holder
/// is read from the target: it is taken only when it is one of the
/// interpreter's thread states (the list is read again when a holder not seen
/// before appears, and every 1,000 samples); otherwise, or when the holder
/// cannot be read, the main thread's stack is read.
///
/// The target runs while it is read, so a read can be torn (a frame returns,
/// its memory is reused). A read is kept only if every frame's code is a
/// `code` object, the chain ends within ``maxChain`` frames and the thread's
/// current frame did not move meanwhile, and a read without Python frames
/// right after one with them is read again (the thread was entering the
/// evaluation loop); otherwise it is tried once more, then dropped
/// (``sample()`` returns nil): never reported wrong.
public final class StackSampler {
    /// One frame as read: where it is, its caller, its code and instruction.
    struct Link: Equatable {
        var address: UInt64
        var back: UInt64
        /// 0 for a frame without code (3.12+ C stack shims).
        var code: UInt64
        var instruction: UInt64
    }

    /// A code object's names and line table, read once.
    struct Code {
        var namePointer: UInt64, filePointer: UInt64, tablePointer: UInt64
        var firstLine: Int
        var function: String, file: String
        var table: [UInt8]?
    }

    /// Longest frame chain read; a longer one is taken for a torn read.
    public static let maxChain = 1024
    /// Frames kept in a sample, innermost first.
    public static let maxDepth = 128
    /// Code objects remembered (the cache is emptied past this).
    static let maxCodes = 8192

    let base: StackReader
    let memory: ProcessMemory
    /// Bytes read from a frame and from a code object: enough for every field used.
    let frameBytes: Int, codeBytes: Int
    /// The thread read last; the interpreter's thread states, and its main thread's, when the list was read.
    private var thread: UInt64 = 0
    private var threads: Set<UInt64> = [], mainThread: UInt64 = 0
    /// GIL holders that were none of the interpreter's thread states (forgotten when the list is read again).
    private var strangers: Set<UInt64> = []
    private var samplesSinceThreadRead = 0
    private var codeType: UInt64?
    /// Each thread's last frame chain.
    private var chains: [UInt64: [Link]] = [:]
    private var codes: [UInt64: Code] = [:]
    /// Reads torn once (tried again) and twice (dropped).
    public private(set) var retried = 0, dropped = 0

    public init(python: PythonProcess) throws(ProcessAccessError) {
        base = try StackReader(python: python)
        memory = python.memory
        let layout = base.layout
        frameBytes = Int(max(layout.frameBack, layout.frameCode, layout.frameInstruction, layout.frameOwner)) + 8
        codeBytes = Int(max(layout.codeFilename, layout.codeName, layout.codeQualname ?? 0, layout.codeFirstLine,
                            layout.codeLineTable, 8)) + 8
        codeType = python.image.address(of: "PyCode_Type")
    }

    /// The stack of the thread that holds the GIL now (or held it last),
    /// innermost frame first (at most ``maxDepth``); empty when it runs no
    /// Python code; nil when the read was torn twice.
    public func sample() -> [PythonFrame]? {
        for attempt in 0..<2 {
            do throws(ProcessAccessError) {
                return try read()
            } catch {
                // Start again from the thread list, without the thread's last chain.
                chains[thread] = nil
                thread = 0
                threads = []
                if attempt == 0 { retried += 1 }
            }
        }
        dropped += 1
        return nil
    }

    private func read() throws(ProcessAccessError) -> [PythonFrame] {
        if threads.isEmpty || samplesSinceThreadRead >= 1000 { try readThreads() }
        samplesSinceThreadRead += 1
        let layout = base.layout
        let last = thread
        let (holder, lastFrame) = holderAndFrame(of: last)
        thread = try runningThread(holder)
        guard thread != 0 else { return [] }
        let top: UInt64
        if thread == last, let lastFrame { top = lastFrame } else { top = try memory.pointer(at: thread &+ layout.threadFrame) }
        var frame = top
        if let current = layout.cframeCurrentFrame, frame != 0 { frame = try memory.pointer(at: frame &+ current) }
        let chain = chains[thread] ?? []
        let links = try walk(from: frame, after: chain)
        let stack = try describe(links, threadFrame: top)
        // No Python frame right after a read that had some: the thread was entering or leaving the
        // evaluation loop (3.11–3.12 publish a C frame before setting its current frame), read again.
        if stack.isEmpty, chain.contains(where: { $0.code != 0 }) { throw torn("no frame after a stack") }
        chains[thread] = links
        return stack
    }

    /// The GIL's last holder and the current frame word of thread `last` (nil for none), in one vectored
    /// read; holder 0 when they cannot be read (the main thread's stack is read then).
    private func holderAndFrame(of last: UInt64) -> (holder: UInt64, frame: UInt64?) {
        let spans = last == 0 ? [base.gilHolderAddress] : [base.gilHolderAddress, last &+ base.layout.threadFrame]
        var bytes = [UInt8](repeating: 0, count: 8 * spans.count)
        let read = bytes.withUnsafeMutableBytes { memory.readSpans(spans[...], count: 8, into: $0.baseAddress!) }
        guard read else { return (0, nil) }
        return (bytes.le(UInt64.self, 0), last == 0 ? nil : bytes.le(UInt64.self, 8))
    }

    /// `holder` when it is one of the interpreter's thread states (the list read again for one not seen
    /// before: a thread started since), else the main thread.
    private func runningThread(_ holder: UInt64) throws(ProcessAccessError) -> UInt64 {
        guard holder != 0, !strangers.contains(holder) else { return mainThread }
        if threads.contains(holder) { return holder }
        try readThreads()
        if threads.contains(holder) { return holder }
        if strangers.count >= 64 { strangers = [] }
        strangers.insert(holder)
        return mainThread
    }

    /// Reads the interpreter's thread list; the chains of threads no longer in it are forgotten.
    private func readThreads() throws(ProcessAccessError) {
        let states = try base.threadStates()
        threads = Set(states)
        mainThread = states.last ?? 0
        strangers = []
        chains = chains.filter { threads.contains($0.key) }
        samplesSinceThreadRead = 0
    }

    /// The frame chain from `frame` outwards: read one frame at a time until
    /// a frame of the thread's last `chain` is met, whose callers are then checked in one read.
    private func walk(from start: UInt64, after chain: [Link]) throws(ProcessAccessError) -> [Link] {
        var links: [Link] = []
        var frame = start
        var known: [UInt64: Int] = [:]
        for (index, link) in chain.enumerated() { known[link.address] = index }
        var speculate = true
        while frame != 0 {
            guard links.count < Self.maxChain else { throw torn("a frame chain longer than \(Self.maxChain)") }
            if speculate, let index = known[frame] {
                speculate = false
                if let rest = recheck(chain[index...]), links.count + rest.count <= Self.maxChain {
                    links += rest
                    break
                }
            }
            let bytes = try memory.bytes(at: frame, count: frameBytes)
            let link = link(at: frame, bytes, from: 0)
            links.append(link)
            frame = link.back
        }
        return links
    }

    /// `old` read again in one call: the same frames with the same callers
    /// and code (their instructions moved on), or nil if any changed.
    private func recheck(_ old: ArraySlice<Link>) -> [Link]? {
        guard old.count <= ProcessMemory.maxSpans else { return nil }
        var bytes = [UInt8](repeating: 0, count: old.count * frameBytes)
        let read = bytes.withUnsafeMutableBytes { memory.readSpans(old.map(\.address)[...], count: frameBytes, into: $0.baseAddress!) }
        guard read else { return nil }
        var fresh: [Link] = []
        for (index, was) in old.enumerated() {
            let now = link(at: was.address, bytes, from: index * frameBytes)
            guard now.back == was.back, now.code == was.code else { return nil }
            fresh.append(now)
        }
        return fresh
    }

    /// The frame at `address` from its bytes.
    private func link(at address: UInt64, _ bytes: [UInt8], from start: Int) -> Link {
        let layout = base.layout
        func word(_ offset: UInt64) -> UInt64 { bytes.le(UInt64.self, start + Int(offset)) }
        // 3.12+: frames owned by the C stack or the interpreter (3, 3.14+ also 4) are shims without code.
        let owner = layout.frameIsObject ? 0 : bytes[start + Int(layout.frameOwner)]
        let code = owner < 3 ? layout.object(inSlot: word(layout.frameCode)) : 0
        return Link(address: address, back: word(layout.frameBack), code: code, instruction: word(layout.frameInstruction))
    }

    /// The frames of `links` named, after one read of every code object and
    /// of the thread's current frame (which must not have moved).
    private func describe(_ links: [Link], threadFrame: UInt64) throws(ProcessAccessError) -> [PythonFrame] {
        let coded = links.filter { $0.code != 0 }.prefix(Self.maxDepth)
        var order: [UInt64] = []
        var seen: Set<UInt64> = []
        for link in coded where seen.insert(link.code).inserted { order.append(link.code) }
        let layout = base.layout
        // The thread's frame word goes in the same vectored read, as one more span of codeBytes.
        let spans = order + [thread &+ layout.threadFrame]
        guard spans.count <= ProcessMemory.maxSpans else { throw torn("too many code objects") }
        var bytes = [UInt8](repeating: 0, count: spans.count * codeBytes)
        let read = bytes.withUnsafeMutableBytes { memory.readSpans(spans[...], count: codeBytes, into: $0.baseAddress!) }
        guard read else { throw torn("a code object could not be read") }
        guard bytes.le(UInt64.self, order.count * codeBytes) == threadFrame else { throw torn("the thread's frame moved") }
        var named: [UInt64: Code] = [:]
        for (index, address) in order.enumerated() {
            named[address] = try code(at: address, bytes, from: index * codeBytes)
        }
        return coded.compactMap { link in
            guard let code = named[link.code] else { return nil }
            let position = layout.linePosition(instructionWord: link.instruction, code: link.code)
            let line = position.flatMap { position in
                code.table.flatMap { LineTable.line($0, format: layout.lineTable, firstLine: code.firstLine, position: position) }
            } ?? code.firstLine
            return PythonFrame(function: code.function, file: code.file, line: line)
        }
    }

    /// The code object at `address` from its header bytes: checked to be a
    /// `code` object, named from the cache while its name, file and line table are the same objects.
    private func code(at address: UInt64, _ bytes: [UInt8], from start: Int) throws(ProcessAccessError) -> Code {
        let layout = base.layout
        func word(_ offset: UInt64) -> UInt64 { bytes.le(UInt64.self, start + Int(offset)) }
        let reader = base.reader, type = word(reader.layout.objects.type)
        if codeType == nil, try reader.memory.cString(at: reader.word(type &+ reader.layout.typeName), maxLength: 16) == "code" {
            codeType = type
        }
        guard type == codeType else { throw torn("frame code 0x\(String(address, radix: 16)) is not a code object") }
        let name = word(layout.codeQualname ?? layout.codeName), file = word(layout.codeFilename), table = word(layout.codeLineTable)
        if let known = codes[address], known.namePointer == name, known.filePointer == file, known.tablePointer == table {
            return known
        }
        guard let function = try base.reader.string(at: name, maxLength: 256),
              let path = try base.reader.string(at: file, maxLength: 1024) else { throw torn("a code object without a name") }
        let firstLine = Int(Int32(truncatingIfNeeded: bytes.le(UInt32.self, start + Int(layout.codeFirstLine))))
        let code = Code(namePointer: name, filePointer: file, tablePointer: table, firstLine: firstLine,
                        function: function, file: path, table: try base.bytes(of: table))
        if codes.count >= Self.maxCodes { codes = [:] }
        codes[address] = code
        return code
    }

    private func torn(_ detail: String) -> ProcessAccessError { .inconsistent(pid: memory.pid, detail: detail + " (the stack moved)") }
}
