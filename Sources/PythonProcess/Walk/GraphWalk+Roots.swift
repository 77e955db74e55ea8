/// The snapshot's named roots: `sys.modules` and each module in it, the
/// builtins, and every thread's Python stack read the way py-spy reads it
/// (3.8–3.10 `tstate->frame` objects, 3.11–3.12 `tstate->cframe->current_frame`,
/// 3.13 `tstate->current_frame`): each frame by function, file and line, and
/// each local, cell and free variable by name.
extension GraphWalk {
    struct PendingRoot { var address: UInt64; var kind: String; var name: String }

    func collectRoots() throws(ProcessAccessError) -> [PendingRoot] {
        var roots: [PendingRoot] = []
        let modules = try field(interpreter &+ graph.interpreterModules)
        if modules != 0 {
            roots.append(PendingRoot(address: modules, kind: "sys.modules", name: "sys.modules"))
            var values: [UInt64] = [], keys: [UInt64] = []
            if (try? dictEntries(modules, values: &values, keys: &keys)) != nil {
                for (key, module) in zip(keys, values) {
                    roots.append(PendingRoot(address: module, kind: "module", name: strHead(key, limit: 1024)?.0 ?? "?"))
                }
            }
        }
        let builtins = try field(interpreter &+ graph.interpreterBuiltins)
        if builtins != 0 { roots.append(PendingRoot(address: builtins, kind: "builtins", name: "builtins")) }
        var thread = try field(interpreter &+ reader.layout.interpreterThreadsHead)
        let main = copy.word(at: runtime &+ graph.runtimeMainThread)
        // The lists are the target's: a thread or frame seen before is a cycle and
        // ends its chain (a cyclic thread list of cyclic stacks took 4096 × 10,000 steps),
        // and the roots stop at maxRoots: a forged heap cannot make them grow past memory.
        var seenThreads: Set<UInt64> = [], seenFrames: Set<UInt64> = []
        while thread != 0, seenThreads.count < 4096, seenThreads.insert(thread).inserted, roots.count < Self.maxRoots {
            let id = try field(thread &+ graph.threadID)
            roots += threadRoots(thread, name: id == main ? "thread MainThread" : "thread \(id)", seen: &seenFrames)
            thread = try field(thread &+ reader.layout.threadStateNext)
        }
        return roots
    }

    /// The most roots one walk records (a real process has thousands).
    static var maxRoots: Int { 1 << 20 }

    /// The frames of one thread state, innermost first, as roots; `seen` holds
    /// the frames of every thread so far (at most 100,000 in all).
    private func threadRoots(_ state: UInt64, name thread: String, seen: inout Set<UInt64>) -> [PendingRoot] {
        var roots: [PendingRoot] = []
        guard var frame = copy.word(at: state &+ graph.threadFrame) else { return roots }
        if let current = graph.cframeCurrentFrame {
            guard frame != 0, let top = copy.word(at: frame &+ current) else { return roots }
            frame = top
        }
        while frame != 0, seen.count < 100_000, seen.insert(frame).inserted, roots.count < Self.maxRoots {
            defer { frame = copy.word(at: frame &+ graph.frameBack) ?? 0 }
            guard let code = copy.word(at: frame &+ graph.frameCode).map(graph.object(inSlot:)), isCode(code) else { continue }
            if !graph.frameIsObject, let owner = copy.word(at: frame &+ graph.frameOwner), owner & 0xFF >= 3 { continue }
            let place = "\(thread) → \(functionName(code))() \(fileName(code)):\(line(frame: frame, code: code))"
            if graph.frameIsObject {
                roots.append(PendingRoot(address: frame, kind: "frame", name: place))
            }
            for (variable, value) in locals(frame: frame, code: code) {
                roots.append(PendingRoot(address: value, kind: "local", name: "\(place) → local '\(variable)'"))
            }
        }
        return roots
    }

    private func isCode(_ object: UInt64) -> Bool {
        guard object != 0, let slot = slot(ofObject: object) else { return false }
        return walk.typeNames[slot] == "code"
    }

    private func functionName(_ code: UInt64) -> String {
        let name = copy.word(at: code &+ (graph.codeQualname ?? graph.codeName)).flatMap { strHead($0, limit: 1024)?.0 }
        return name ?? "?"
    }

    private func fileName(_ code: UInt64) -> String {
        copy.word(at: code &+ graph.codeFilename).flatMap { strHead($0, limit: 4096)?.0 } ?? "?"
    }

    /// The variable each of `referents` is (by position, "" for the others) for a
    /// generator or coroutine (3.11+: its embedded frame) or a frame object (3.11+:
    /// the frame data it owns); nil when none is.
    func variableNames(_ object: UInt64, _ t: Traversal, referents: [UInt64]) -> [String]? {
        var frame = object
        if let layout = graph.generators, !graph.frameIsObject {
            if t.rule == .frameObject {
                guard let data = copy.word(at: object &+ layout.frameObjectData), data != 0,
                      let owner = try? reader.memory.load(UInt8.self, at: data &+ graph.frameOwner),
                      owner == GeneratorLayout.ownedByFrameObject else { return nil }
                frame = data
            } else {
                guard let state = layout.frameState, let value = try? reader.memory.load(Int8.self, at: object &+ state),
                      value < layout.frameCleared else { return nil }
                frame = object &+ layout.embeddedFrame
            }
        } else if t.rule != .frame {
            return nil  // 3.8–3.10: a generator's variables are in its frame object (gi_frame)
        }
        guard let code = copy.word(at: frame &+ graph.frameCode).map(graph.object(inSlot:)), isCode(code) else { return nil }
        var byAddress: [UInt64: String] = [:]
        for (name, value) in locals(frame: frame, code: code) where byAddress[value] == nil { byAddress[value] = name }
        guard !byAddress.isEmpty else { return nil }
        return referents.map { byAddress[$0] ?? "" }
    }

    /// The frame's locals, cells and free variables that hold something, by name.
    private func locals(frame: UInt64, code: UInt64) -> [(String, UInt64)] {
        var names: [String] = []
        if let cells = graph.codeCellNames, let free = graph.codeFreeNames {
            guard let count = try? reader.memory.load(Int32.self, at: code &+ graph.codeLocalsCount),
                  let varnames = copy.word(at: code &+ graph.codeLocalNames) else { return [] }
            names = Array(tupleStrings(varnames).prefix(Int(max(count, 0))))  // co_nlocals comes from the target
            for offset in [cells, free] { names += copy.word(at: code &+ offset).map(tupleStrings) ?? [] }
        } else {
            guard let tuple = copy.word(at: code &+ graph.codeLocalNames) else { return [] }
            names = tupleStrings(tuple)
        }
        var result: [(String, UInt64)] = []
        for (i, name) in names.prefix(4096).enumerated() {
            if let slot = copy.word(at: frame &+ graph.frameLocalsPlus &+ UInt64(i) &* 8) {
                let value = graph.object(inSlot: slot)
                if value != 0 { result.append((name, value)) }
            }
        }
        return result
    }

    /// The line the frame is at, from its code's line table (``LineTable``):
    /// its first line when the table gives none, 0 if the code is unreadable.
    func line(frame: UInt64, code: UInt64) -> Int {
        guard let firstWord = copy.word(at: code &+ graph.codeFirstLine), let table = copy.word(at: code &+ graph.codeLineTable),
              let tableLength = copy.word(at: table &+ reader.layout.objects.varSize), tableLength < 1 << 20,
              let bytes = try? copy.bytes(at: table &+ reader.layout.objects.bytesData, count: Int(tableLength)),
              let word = copy.word(at: frame &+ graph.frameInstruction) else { return 0 }
        let first = Int(Int32(truncatingIfNeeded: firstWord))
        guard let position = graph.linePosition(instructionWord: word, code: code) else { return first }
        return LineTable.line(bytes, format: graph.lineTable, firstLine: first, position: position) ?? first
    }
}
