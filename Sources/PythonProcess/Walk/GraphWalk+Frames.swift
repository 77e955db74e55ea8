/// The read-only walk's referents of frames and generators: 3.8–3.10 frame
/// objects, 3.11+ interpreter frames (in generators and frame objects).
extension GraphWalk {
    /// `gen_traverse` (and `async_gen_traverse`): ``GeneratorLayout``'s fields, then
    /// on 3.11+ the embedded frame unless cleared.
    func appendGenerator(_ generator: UInt64, async isAsync: Bool, into out: inout [UInt64]) throws(ProcessAccessError) {
        guard let layout = graph.generators else { return }
        for offset in layout.fields + (isAsync ? [layout.asyncFinalizer] : []) {
            let word = try field(generator &+ offset)
            if word != 0 { out.append(word) }
        }
        guard let stateOffset = layout.frameState else { return }
        let state = try reader.memory.load(Int8.self, at: generator &+ stateOffset)
        if state < layout.frameCleared { try appendInterpreterFrame(generator &+ layout.embeddedFrame, layout, into: &out) }
    }

    /// 3.11+ `frame_traverse`: `f_back`, `f_trace` (3.13: the extra locals), and
    /// the frame data when the frame object owns it (its function has returned).
    func appendFrameObject311(_ frame: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        guard let layout = graph.generators else { return }
        for offset in layout.frameObjectFields {
            let word = try field(frame &+ offset)
            if word != 0 { out.append(word) }
        }
        let data = try field(frame &+ layout.frameObjectData)
        let owner = data == 0 ? 0 : try reader.memory.load(UInt8.self, at: data &+ graph.frameOwner)
        guard owner == GeneratorLayout.ownedByFrameObject else { return }
        try appendInterpreterFrame(data, layout, into: &out)
    }

    /// `_PyFrame_Traverse` (3.11+): the frame object, locals dict, function and
    /// code, then `localsplus` up to `stacktop` (the locals, cells, free variables and the value stack);
    /// 3.14+ slots are `_PyStackRef`s, up to `stackpointer`.
    func appendInterpreterFrame(_ frame: UInt64, _ layout: GeneratorLayout, into out: inout [UInt64]) throws(ProcessAccessError) {
        for offset in layout.interpreterFrameFields {
            let word = graph.object(inSlot: try field(frame &+ offset))
            if word != 0 { out.append(word) }
        }
        let slots = frame &+ graph.frameLocalsPlus
        guard graph.stackRefs else {
            try appendWords(from: slots, count: Int64(try reader.memory.load(Int32.self, at: frame &+ layout.stackTop)), to: &out)
            return
        }
        let pointer = try field(frame &+ layout.stackTop)
        guard pointer > slots else { return }
        let start = out.count
        try appendWords(from: slots, count: Int64(clamping: (pointer &- slots) / 8), to: &out)
        var kept = start
        for i in start..<out.count {
            let object = graph.object(inSlot: out[i])
            if object != 0 { out[kept] = object; kept += 1 }
        }
        out.removeSubrange(kept...)
    }

    /// 3.8–3.10 `frame_traverse`: back, code, builtins, globals, locals, trace, the fast locals and the value stack.
    func appendFrameObject(_ frame: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let fields = reader.layout.objects
        for offset in [graph.frameBack, graph.frameCode] + fields.frameObjectFields + [fields.frameObjectTrace] {
            let word = try field(frame &+ offset)
            if word != 0 { out.append(word) }
        }
        let code = try field(frame &+ graph.frameCode)
        guard code != 0 else { return }
        let locals = try reader.memory.load(Int32.self, at: code &+ graph.codeLocalsCount)
        var slots = Int64(locals)
        for names in [graph.codeCellNames, graph.codeFreeNames].compactMap({ $0 }) {
            slots &+= Int64(bitPattern: try field(try field(code &+ names) &+ fields.varSize))
        }
        try appendWords(from: frame &+ graph.frameLocalsPlus, count: slots, to: &out)
        let stack = try field(frame &+ graph.frameValueStack)
        if graph.lineTable == .linetable310 {
            let depth = try reader.memory.load(Int32.self, at: frame &+ fields.frameObjectStackDepth310)
            try appendWords(from: stack, count: Int64(depth), to: &out)
        } else {
            let top = try field(frame &+ fields.frameObjectStackTop)
            if top != 0, top >= stack { try appendWords(from: stack, count: Int64((top &- stack) / 8), to: &out) }
        }
    }
}
