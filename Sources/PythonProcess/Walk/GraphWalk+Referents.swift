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
        let layout = reader.layout, fields = reader.layout.objects
        var conservative = false
        if t.pythonClass {
            try appendInstanceFields(object, t, into: &out)
            out.append(type)
        } else if t.nativeVisitsType {
            out.append(type)
        }
        switch t.rule {
        case .none: break
        case .tuple:
            try appendWords(from: object &+ layout.tupleItems, count: Int64(bitPattern: try field(object &+ fields.varSize)), to: &out)
        case .list:
            let items = try field(object &+ fields.listItems)
            try appendWords(from: items, count: Int64(bitPattern: try field(object &+ fields.varSize)), to: &out)
        case .dict:
            try appendDict(object, t, into: &out)
        case .defaultDict:
            let factory = try field(object &+ fields.defaultDictFactory)
            if factory != 0 { out.append(factory) }
            try appendDict(object, t, into: &out)
        case .dictExtended:
            try appendDict(object, t, into: &out)
            let start = fields.dictBytes  // a C subclass's own fields, after the dict's: scanned conservatively
            if t.basicSize > start { _ = scan(from: object &+ start, byteCount: min(t.basicSize, 4096) &- start, skipping: [], into: &out) }
            conservative = true
        case .lruCache(let cacheFields):
            try appendLruCache(object, cacheFields, into: &out)
        case .set:
            try appendSetEntries(object, into: &out)
        case .ctypesType:
            try appendCtypesType(object, type: type, into: &out)
            try appendTypeFields(object, into: &out)
        case .type:
            try appendTypeFields(object, into: &out)
        case .module:
            conservative = try appendModule(object, into: &out)
        case .builtinFunction:
            try appendBuiltinFunction(object, into: &out)
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
        case .fields(let objectFields):
            try appendFields(object, objectFields, future: false, basicSize: t.basicSize, into: &out)
        case .future(let objectFields):
            try appendFields(object, objectFields, future: true, basicSize: t.basicSize, into: &out)
        case .ndarray:
            try appendArray(object, into: &out)
        case .conservative:
            let start = fields.headerBytes, skip: Set<UInt64> = t.weaklistOffset > 0 ? [t.weaklistOffset] : []
            if t.basicSize > start {
                _ = scan(from: object &+ start, byteCount: min(t.basicSize, 4096) &- start, skipping: skip, base: object, into: &out)
            }
            if t.managedDict, !t.pythonClass { try appendManagedDict(object, t, into: &out) }
            conservative = true
        }
        if t.dictSubclass, !t.exactDict { try appendDictSubclassKeys(object, into: &out) }
        return conservative
    }

    /// A heap type's dict, cache, MRO, bases, base and module (`type_traverse`; static types are not collected).
    private func appendTypeFields(_ object: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        guard try reader.flags(ofType: object) & ObjectReader.heapTypeFlag != 0 else { return }
        let layout = reader.layout
        var typeFields = [layout.typeDict, graph.typeCache, graph.typeMro, graph.typeBases, layout.typeBase]
        if graph.heapTypeModule != 0 { typeFields.append(graph.heapTypeModule) }
        for offset in typeFields {
            let word = try field(object &+ offset)
            if word != 0 { out.append(word) }
        }
    }

    /// A Python class's instance: its `__slots__`, its `__dict__` (at `tp_dictoffset`,
    /// from the end of a var-sized object's items, or managed before it / inline after it).
    private func appendInstanceFields(_ object: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
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
    }

    /// An object's fields by offset; a 3.13+ asyncio future's managed `__dict__` (its inline values, or the dict).
    private func appendFields(_ object: UInt64, _ objectFields: Traversal.Offsets, future: Bool, basicSize: UInt64,
                              into out: inout [UInt64]) throws(ProcessAccessError) {
        for i in objectFields.range {
            let word = try field(object &+ offsets[i])
            if word != 0 { out.append(word) }
        }
        guard future, let asyncio = graph.asyncio, asyncio.managedDict else { return }
        if asyncio.inlineValues, try appendInlineValues(of: object, at: basicSize, into: &out) { return }
        let dict = try field(object &- reader.layout.objects.managedDictBack)
        if dict != 0 { out.append(dict) }
    }

    /// `lru_cache_object`'s fields, then its links: a ring through `root.next` (the object is the root).
    private func appendLruCache(_ object: UInt64, _ cacheFields: Traversal.Offsets, into out: inout [UInt64]) throws(ProcessAccessError) {
        let fields = reader.layout.objects
        for i in cacheFields.range {
            let word = try field(object &+ offsets[i])
            if word != 0 { out.append(word) }
        }
        // The cache's links: a ring through `root.next` (the object is the root).
        var link = try field(object &+ fields.lruNext), links = 0
        while link != object, link != 0, links < 1 << 20 {
            // 3.10+: a link is an object of a heap type, visited too.
            for offset in cacheFields.count > 4 ? fields.lruLinkFields + [fields.type] : fields.lruLinkFields {
                let word = try field(link &+ offset)
                if word != 0 { out.append(word) }
            }
            link = try field(link &+ fields.lruNext)
            links += 1
        }
    }

    /// A set's keys: its table's entries, but the dummies (hash -1).
    private func appendSetEntries(_ object: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let layout = reader.layout, fields = reader.layout.objects
        let table = try field(object &+ layout.setTable)
        let mask = try field(object &+ layout.setMask)
        guard mask < 1 << 28, copy.contains(table, count: Int(mask + 1) * Int(fields.setEntryBytes)) else {
            throw .inconsistent(pid: 0, detail: "set table at 0x\(String(table, radix: 16)) runs past the copied memory")
        }
        for i in 0...mask {
            let entry = table &+ i &* fields.setEntryBytes
            let key = try field(entry), hash = try field(entry &+ fields.setEntryHash)
            if key != 0, hash != UInt64.max { out.append(key) }  // a dummy entry has hash -1
        }
    }

    /// A module's dict, and an extension module's state, which its own `m_traverse` visits:
    /// scanned conservatively (true when anything was found that way).
    private func appendModule(_ object: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) -> Bool {
        let fields = reader.layout.objects
        let dict = try field(object &+ fields.moduleDict)
        if dict != 0 { out.append(dict) }
        // An extension module's state is visited by its own m_traverse: scanned conservatively.
        let state = try field(object &+ graph.moduleState)
        let holder = graph.moduleStateInModule ? object : try field(object &+ fields.moduleDef)  // 3.8–3.14: its `PyModuleDef`
        let traverseField = graph.moduleStateInModule ? fields.moduleOwnTraverse : fields.moduleDefTraverse
        if holder != 0, state != 0, let traverse = copy.word(at: holder &+ traverseField), traverse != 0,
           let size = copy.word(at: holder &+ fields.moduleStateSize), size > 0, size < 1 << 16 {
            return scan(from: state, byteCount: size, skipping: [], into: &out) > 0
        }
        return false
    }

    /// A builtin function's `m_self` and `m_module`, and a `PyCMethodObject`'s class (3.9+, `METH_METHOD`).
    private func appendBuiltinFunction(_ object: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let fields = reader.layout.objects
        for offset in fields.cFunctionFields {
            let word = try field(object &+ offset)
            if word != 0 { out.append(word) }
        }
        if graph.cMethodClass {
            let method = try field(object &+ fields.cFunctionMethodDef)
            // METH_METHOD: a PyCMethodObject, holding its class.
            if method != 0, let flags = try? reader.memory.load(Int32.self, at: method &+ fields.methodDefFlags),
               flags & fields.methMethodFlag != 0 {
                let owner = try field(object &+ fields.cMethodClass)
                if owner != 0 { out.append(owner) }
            }
        }
    }

    /// What ctypes' metatypes visit in a type before `type_traverse`: 3.8–3.12 `proto` of its `StgDict`
    /// (when its `tp_dict` is exactly one), 3.13 its `StgInfo`'s objects (once initialized), then its metatype.
    private func appendCtypesType(_ object: UInt64, type: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        if graph.ctypesStgInfo == 0 {
            let dict = try field(object &+ reader.layout.typeDict)
            guard dict != 0 else { return }
            let dictType = try field(dict &+ reader.layout.objects.type)
            guard try reader.memory.cString(at: reader.word(dictType &+ reader.layout.typeName), maxLength: 16) == "StgDict" else { return }
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

    /// `deque_traverse` (3.8–3.13 `dequeobject`: length at 16, `leftblock` 24,
    /// `leftindex` 40): the items from the left, in blocks of 64 between a
    /// block's `leftlink` (0) and `rightlink` (520). Each item takes a word of the copy: a deque
    /// claiming more (a block linked to itself) is refused.
    private func appendDequeItems(_ deque: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let fields = reader.layout.objects
        let count = Int64(bitPattern: try field(deque &+ fields.varSize))
        guard count > 0 else { return }
        var block = try field(deque &+ fields.dequeLeftBlock), index = try field(deque &+ fields.dequeLeftIndex)
        guard count < 1 << 28, count <= Int64(clamping: copy.byteCount / 8), index < fields.dequeBlockItems else {
            throw .inconsistent(pid: 0, detail: "deque at 0x\(String(deque, radix: 16)) claims \(count) items from index \(index)")
        }
        for _ in 0..<count {
            if index == fields.dequeBlockItems {
                block = try field(block &+ fields.dequeBlockRightLink)
                index = 0
            }
            let item = try field(block &+ fields.dequeBlockFirstItem &+ index &* 8)
            if item != 0 { out.append(item) }
            index += 1
        }
    }
}

extension ObjectReader {
    /// The type's flags, 0 when unreadable.
    func flags(ofTypeOrZero type: UInt64) -> UInt64 { (try? flags(ofType: type)) ?? 0 }
}
