import SystemPackage
/// Reading one object's referents by its type's ``Traversal``. Every read is
/// from the copy and bounded; a pointer outside it throws `.unreadable` with
/// the address, and the caller skips that object's referents.
extension GraphWalk {
    /// The word at `address` in the copy.
    @inline(__always)
    func field(_ address: UInt64) throws(ProcessAccessError) -> UInt64 {
        guard let word = copy.word(at: address) else { throw .unreadable(pid: 0, address: address, errno: .badAddress) }
        return word
    }

    /// `count` words from `start`, non-NULL ones appended; the run must be in the copy.
    @inline(__always)
    func appendWords(from start: UInt64, count: Int64, to out: inout [UInt64]) throws(ProcessAccessError) {
        guard count > 0 else { return }
        guard count < 1 << 28, copy.contains(start, count: Int(count) * 8) else {
            throw .inconsistent(pid: 0, detail: "\(count) items at 0x\(String(start, radix: 16)) run past the copied memory")
        }
        for i in 0..<UInt64(count) {
            let word = try field(start &+ i &* 8)
            if word != 0 { out.append(word) }
        }
    }

    /// Appends what `gc.get_referents(object)` returns (dicts: values then
    /// keys, as the agent files them); true when they came from a conservative scan.
    func referents(of object: UInt64, type: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) -> Bool {
        let layout = reader.layout
        var conservative = false
        if t.pythonClass {
            for i in t.slotOffsets.range {
                let word = try field(object &+ offsets[i])
                if word != 0 { out.append(word) }
            }
            if t.dictOffset > 0 {
                let dict = try field(object &+ UInt64(t.dictOffset))
                if dict != 0 { out.append(dict) }
            } else if t.dictOffset < 0 {
                try appendVarDict(object, t, into: &out)
            }
            if t.managedDict || t.inlineValues { try appendManagedDict(object, t, into: &out) }
            out.append(type)
        } else if t.nativeVisitsType {
            out.append(type)
        }
        switch t.rule {
        case .none: break
        case .tuple:
            try appendWords(from: object &+ layout.tupleItems, count: Int64(bitPattern: try field(object &+ 16)), to: &out)
        case .list:
            try appendWords(from: try field(object &+ 24), count: Int64(bitPattern: try field(object &+ 16)), to: &out)
        case .dict:
            try appendDict(object, t, into: &out)
        case .defaultDict:
            let factory = try field(object &+ 48)
            if factory != 0 { out.append(factory) }
            try appendDict(object, t, into: &out)
        case .dictExtended:
            try appendDict(object, t, into: &out)
            if t.basicSize > 48 { _ = scan(from: object &+ 48, byteCount: min(t.basicSize, 4096) &- 48, skipping: [], into: &out) }
            conservative = true
        case .lruCache(let fields):
            for i in fields.range {
                let word = try field(object &+ offsets[i])
                if word != 0 { out.append(word) }
            }
            // The cache's links: a ring through `root.next` (the object is the root).
            var link = try field(object &+ 24), links = 0
            while link != object, link != 0, links < 1 << 20 {
                // 3.10+: a link is an object of a heap type, visited too.
                for offset: UInt64 in fields.count > 4 ? [40, 48, 8] : [40, 48] {
                    let word = try field(link &+ offset)
                    if word != 0 { out.append(word) }
                }
                link = try field(link &+ 24)
                links += 1
            }
        case .set:
            let table = try field(object &+ layout.setTable)
            let mask = try field(object &+ layout.setMask)
            guard mask < 1 << 28, copy.contains(table, count: Int(mask + 1) * 16) else {
                throw .inconsistent(pid: 0, detail: "set table at 0x\(String(table, radix: 16)) runs past the copied memory")
            }
            for i in 0...mask {
                let key = try field(table &+ i &* 16), hash = try field(table &+ i &* 16 &+ 8)
                if key != 0, hash != UInt64.max { out.append(key) }  // a dummy entry has hash -1
            }
        case .ctypesType:
            try appendCtypesType(object, type: type, into: &out)
            fallthrough
        case .type:
            // type_is_gc: only heap types are collected objects.
            guard try reader.flags(ofType: object) & ObjectReader.heapTypeFlag != 0 else { break }
            var typeFields = [layout.typeDict, graph.typeCache, graph.typeMro, graph.typeBases, layout.typeBase]
            if graph.heapTypeModule != 0 { typeFields.append(graph.heapTypeModule) }
            for offset in typeFields {
                let word = try field(object &+ offset)
                if word != 0 { out.append(word) }
            }
        case .module:
            let dict = try field(object &+ 16)
            if dict != 0 { out.append(dict) }
            // An extension module's state is visited by its own m_traverse: scanned conservatively.
            let state = try field(object &+ graph.moduleState)
            let holder = graph.moduleStateInModule ? object : try field(object &+ 24)  // 3.8–3.14: its `PyModuleDef`
            if holder != 0, state != 0, let traverse = copy.word(at: holder &+ (graph.moduleStateInModule ? 64 : 80)), traverse != 0,
               let size = copy.word(at: holder &+ 56), size > 0, size < 1 << 16 {
                conservative = scan(from: state, byteCount: size, skipping: [], into: &out) > 0
            }
        case .builtinFunction:
            for offset: UInt64 in [24, 32] {
                let word = try field(object &+ offset)
                if word != 0 { out.append(word) }
            }
            if graph.cMethodClass {
                let method = try field(object &+ 16)
                // METH_METHOD: a PyCMethodObject, holding its class.
                if method != 0, let flags = try? reader.memory.load(Int32.self, at: method &+ 16), flags & 0x200 != 0 {
                    let owner = try field(object &+ 56)
                    if owner != 0 { out.append(owner) }
                }
            }
        case .frame:
            try appendFrameObject(object, into: &out)
        case .generator(let isAsync):
            try appendGenerator(object, async: isAsync, into: &out)
        case .frameObject:
            try appendFrameObject311(object, into: &out)
        case .deque:
            try appendDequeItems(object, into: &out)
        case .orderedDict:
            try appendOrderedDict(object, t, into: &out)
        case .fields(let fields), .future(let fields):
            for i in fields.range {
                let word = try field(object &+ offsets[i])
                if word != 0 { out.append(word) }
            }
            if case .future = t.rule, let asyncio = graph.asyncio, asyncio.managedDict {  // 3.13+: the managed `__dict__`
                if asyncio.inlineValues, try appendInlineValues(of: object, at: t.basicSize, into: &out) { break }
                let dict = try field(object &- 24)
                if dict != 0 { out.append(dict) }
            }
        case .ndarray:
            try appendArray(object, into: &out)
        case .conservative:
            var skip: Set<UInt64> = []
            if t.weaklistOffset > 0 { skip.insert(t.weaklistOffset) }
            if t.basicSize > 16 { _ = scan(from: object &+ 16, byteCount: min(t.basicSize, 4096) &- 16, skipping: skip, base: object, into: &out) }
            conservative = true
        }
        if t.dictSubclass, !t.exactDict {
            // The agent adds a dict subclass's keys when gc.get_referents left them out.
            let used = Int64(bitPattern: try field(object &+ 16))
            if Int64(out.count) < 2 &* used {
                var values: [UInt64] = []
                try dictEntries(object, values: &values, keys: &out)
            }
        }
        return conservative
    }

    /// What ctypes' metatypes visit in a type before `type_traverse`: 3.8–3.12 `proto` of its `StgDict`
    /// (when its `tp_dict` is exactly one), 3.13 its `StgInfo`'s objects (once initialized), then its metatype.
    private func appendCtypesType(_ object: UInt64, type: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        if graph.ctypesStgInfo == 0 {
            let dict = try field(object &+ reader.layout.typeDict)
            guard dict != 0, try reader.memory.cString(at: reader.word(try field(dict &+ 8) &+ reader.layout.typeName),
                                                       maxLength: 16) == "StgDict" else { return }
            let proto = try field(dict &+ graph.ctypesProto)
            if proto != 0 { out.append(proto) }
            return
        }
        let info = object &+ graph.ctypesStgInfo
        if try reader.memory.load(Int32.self, at: info) != 0 {
            for offset in graph.ctypesStgInfoFields {
                let word = try field(info &+ offset)
                if word != 0 { out.append(word) }
            }
        }
        out.append(type)
    }

    /// Words in `from ..< from + byteCount` that are addresses of objects (tracked,
    /// or with a validated type); `skipping` offsets from `base`. Returns how many were added.
    func scan(from start: UInt64, byteCount: UInt64, skipping: Set<UInt64>, base: UInt64 = 0, into out: inout [UInt64]) -> Int {
        var added = 0
        var offset: UInt64 = 0
        while offset &+ 8 <= byteCount {
            let at = start &+ offset
            offset &+= 8
            if !skipping.isEmpty, skipping.contains(at &- base) { continue }
            guard let word = copy.word(at: at), word != 0, word & 7 == 0 else { continue }
            if isKnownObject(word) { out.append(word); added += 1 }
        }
        return added
    }

    /// A dict's values (then its keys for an exact dict, or a subclass with non-str keys).
    private func appendDict(_ dict: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        var keys: [UInt64] = []
        let general = try dictEntries(dict, values: &out, keys: &keys)
        if t.exactDict || general { out += keys }
    }

    /// Appends a dict's live values (split, inline or combined) and their keys
    /// in the same order; true when its keys table is the general kind (non-str keys).
    @discardableResult
    func dictEntries(_ dict: UInt64, values: inout [UInt64], keys: inout [UInt64]) throws(ProcessAccessError) -> Bool {
        let layout = reader.layout
        let keysObject = try field(dict &+ layout.dictKeys)
        guard keysObject != 0 else { return false }
        let shape = try reader.keysShape(keysObject)
        guard shape.entries >= 0, shape.entries < 1 << 26,
              copy.contains(shape.firstEntry, count: shape.entries * Int(shape.entrySize)) else {
            throw .inconsistent(pid: 0, detail: "dict keys at 0x\(String(keysObject, radix: 16)) run past the copied memory")
        }
        // 3.11+: 24-byte entries are the general kind; 3.8–3.10: a key that is not an exact str.
        var general = layout.dictKeysLog2 && shape.entrySize == 24
        var split = try field(dict &+ layout.dictValues)
        if split != 0 { split &+= graph.dictValuesHeader }
        let keyOffset: UInt64 = shape.entrySize == 24 ? 8 : 0
        for i in 0..<UInt64(shape.entries) {
            let entry = shape.firstEntry &+ i &* shape.entrySize
            let value = split != 0 ? try field(split &+ i &* 8) : try field(entry &+ keyOffset &+ 8)
            guard value != 0 else { continue }
            let key = try field(entry &+ keyOffset)
            values.append(value)
            keys.append(key)
            if !layout.dictKeysLog2, !general, let type = copy.word(at: key &+ 8),
               reader.flags(ofTypeOrZero: type) & (ObjectReader.unicodeSubclass | ObjectReader.heapTypeFlag) != ObjectReader.unicodeSubclass {
                general = true
            }
        }
        return general
    }

    /// The `__dict__` of a var-sized object (`tp_dictoffset` < 0: from the end of its items).
    private func appendVarDict(_ object: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        let field16 = Int64(bitPattern: try field(object &+ 16))
        let typeFlags = reader.flags(ofTypeOrZero: try field(object &+ 8))
        let items = reader.layout.longHasTag && typeFlags & ObjectReader.longSubclass != 0 ? UInt64(bitPattern: field16) >> 3 : field16.magnitude
        let size = (t.basicSize &+ items &* t.itemSize &+ 7) & ~7
        let dict = try field(object &+ UInt64(bitPattern: Int64(bitPattern: size) &+ t.dictOffset))
        if dict != 0 { out.append(dict) }
    }

    /// 3.11+: the values an instance keeps inline (named by its class's shared
    /// keys), or its materialized `__dict__` in the pre-header.
    private func appendManagedDict(_ object: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        if t.inlineValues, try appendInlineValues(of: object, at: t.basicSize, into: &out) { return }
        let word = try field(object &- 24)
        if graph.managedDictTagged {  // 3.12: the values pointer minus 1 (low bits 3), or the dict
            if word & 3 == 3 {
                try appendWords(from: word &+ 1, count: try sharedKeysCount(t), to: &out)
            } else if word != 0 {
                out.append(word)
            }
            return
        }
        if !t.inlineValues, reader.layout.preheaderFlags == 1 << 4 {  // 3.11: values at -32, dict at -24
            let values = try field(object &- 32)
            if values != 0 { try appendWords(from: values, count: try sharedKeysCount(t), to: &out) }
        }
        if word != 0 { out.append(word) }
    }

    /// 3.13+: the values an instance keeps after its `tp_basicsize` (`offset`), behind a header
    /// {capacity, size, embedded, valid}; false when they are not valid (a dict was made).
    private func appendInlineValues(of object: UInt64, at offset: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) -> Bool {
        let values = object &+ offset
        let header = try field(values)
        guard header >> 24 & 0xFF != 0 else { return false }
        try appendWords(from: values &+ 8, count: Int64(header & 0xFF), to: &out)
        return true
    }

    /// `dk_nentries` of a class's shared keys.
    private func sharedKeysCount(_ t: Traversal) throws(ProcessAccessError) -> Int64 {
        guard t.cachedKeys != 0 else { return 0 }
        return Int64(bitPattern: try field(t.cachedKeys &+ reader.layout.dictKeysEntries))
    }

    /// `odict_traverse` (3.8–3.13 `PyODictObject`: the dict, `od_first` at 48,
    /// `od_inst_dict` at 96; a node holds its key at 0 and the next node at 16):
    /// the instance dict, each node's key, then what the dict visits.
    private func appendOrderedDict(_ od: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        let instanceDict = try field(od &+ 96)
        if instanceDict != 0 { out.append(instanceDict) }
        // ma_used comes from the target; each node takes 32 bytes of the copy (a looped list cannot claim more)
        let entries = min(Int64(bitPattern: try field(od &+ 16)), 1 << 26, Int64(clamping: copy.byteCount / 32))
        var node = try field(od &+ 48), nodes: Int64 = 0
        while node != 0 {
            nodes += 1
            guard nodes <= max(entries, 0) &+ 1 else {
                throw .inconsistent(pid: 0, detail: "OrderedDict at 0x\(String(od, radix: 16)) links more keys than its \(entries) entries")
            }
            let key = try field(node)
            if key != 0 { out.append(key) }
            node = try field(node &+ 16)
        }
        try appendDict(od, t, into: &out)
    }

    /// `deque_traverse` (3.8–3.13 `dequeobject`: length at 16, `leftblock` 24,
    /// `leftindex` 40): the items from the left, in blocks of 64 between a
    /// block's `leftlink` (0) and `rightlink` (520). Each item takes a word of the copy: a deque
    /// claiming more (a block linked to itself) is refused.
    private func appendDequeItems(_ deque: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let count = Int64(bitPattern: try field(deque &+ 16))
        guard count > 0 else { return }
        var block = try field(deque &+ 24), index = try field(deque &+ 40)
        guard count < 1 << 28, count <= Int64(clamping: copy.byteCount / 8), index < 64 else {
            throw .inconsistent(pid: 0, detail: "deque at 0x\(String(deque, radix: 16)) claims \(count) items from index \(index)")
        }
        for _ in 0..<count {
            if index == 64 {
                block = try field(block &+ 520)
                index = 0
            }
            let item = try field(block &+ 8 &+ index &* 8)
            if item != 0 { out.append(item) }
            index += 1
        }
    }

    /// `gen_traverse` (and `async_gen_traverse`): ``GeneratorLayout``'s fields, then
    /// on 3.11+ the embedded frame unless cleared.
    private func appendGenerator(_ generator: UInt64, async isAsync: Bool, into out: inout [UInt64]) throws(ProcessAccessError) {
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
    private func appendFrameObject311(_ frame: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
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
    private func appendInterpreterFrame(_ frame: UInt64, _ layout: GeneratorLayout, into out: inout [UInt64]) throws(ProcessAccessError) {
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
    private func appendFrameObject(_ frame: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let trace: UInt64 = graph.lineTable == .linetable310 ? 72 : 80
        for offset in [graph.frameBack, graph.frameCode, 40, 48, 56, trace] {
            let word = try field(frame &+ offset)
            if word != 0 { out.append(word) }
        }
        let code = try field(frame &+ graph.frameCode)
        guard code != 0 else { return }
        let locals = try reader.memory.load(Int32.self, at: code &+ graph.codeLocalsCount)
        var slots = Int64(locals)
        for names in [graph.codeCellNames, graph.codeFreeNames].compactMap({ $0 }) {
            slots &+= Int64(bitPattern: try field(try field(code &+ names) &+ 16))
        }
        try appendWords(from: frame &+ graph.frameLocalsPlus, count: slots, to: &out)
        let stack = try field(frame &+ graph.frameValueStack)
        if graph.lineTable == .linetable310 {
            try appendWords(from: stack, count: Int64(try reader.memory.load(Int32.self, at: frame &+ 80)), to: &out)
        } else {
            let top = try field(frame &+ 72)
            if top != 0, top >= stack { try appendWords(from: stack, count: Int64((top &- stack) / 8), to: &out) }
        }
    }
}

extension ObjectReader {
    /// The type's flags, 0 when unreadable.
    func flags(ofTypeOrZero type: UInt64) -> UInt64 { (try? flags(ofType: type)) ?? 0 }
}
