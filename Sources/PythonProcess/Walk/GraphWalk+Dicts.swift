/// The read-only walk's referents of dicts and of what keeps a `__dict__`:
/// a dict's values and keys, an instance's managed or inline values, an
/// OrderedDict's nodes.
extension GraphWalk {
    /// The agent adds a dict subclass's keys when `gc.get_referents` left them out.
    func appendDictSubclassKeys(_ object: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let used = Int64(bitPattern: try field(object &+ reader.layout.objects.varSize))
        guard Int64(out.count) < 2 &* used else { return }
        var values: [UInt64] = []
        try dictEntries(object, values: &values, keys: &out)
    }

    /// A dict's values (then its keys for an exact dict, or a subclass with non-str keys).
    func appendDict(_ dict: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
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
            if !layout.dictKeysLog2, !general, let type = copy.word(at: key &+ reader.layout.objects.type),
               reader.flags(ofTypeOrZero: type) & (ObjectReader.unicodeSubclass | ObjectReader.heapTypeFlag)
                != ObjectReader.unicodeSubclass {
                general = true
            }
        }
        return general
    }

    /// The `__dict__` of a var-sized object (`tp_dictoffset` < 0: from the end of its items).
    func appendVarDict(_ object: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        let field16 = Int64(bitPattern: try field(object &+ reader.layout.objects.varSize))
        let typeFlags = reader.flags(ofTypeOrZero: try field(object &+ reader.layout.objects.type))
        let tagged = reader.layout.longHasTag && typeFlags & ObjectReader.longSubclass != 0
        let items = tagged ? UInt64(bitPattern: field16) >> 3 : field16.magnitude
        let size = (t.basicSize &+ items &* t.itemSize &+ 7) & ~7
        let dict = try field(object &+ UInt64(bitPattern: Int64(bitPattern: size) &+ t.dictOffset))
        if dict != 0 { out.append(dict) }
    }

    /// 3.11+: the values an instance keeps inline (named by its class's shared
    /// keys), or its materialized `__dict__` in the pre-header.
    func appendManagedDict(_ object: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        if t.inlineValues, try appendInlineValues(of: object, at: t.basicSize, into: &out) { return }
        let word = try field(object &- reader.layout.objects.managedDictBack)
        if graph.managedDictTagged {  // 3.12: the values pointer minus 1 (low bits 3), or the dict
            if word & 3 == 3 {
                try appendWords(from: word &+ 1, count: try sharedKeysCount(t), to: &out)
            } else if word != 0 {
                out.append(word)
            }
            return
        }
        if !t.inlineValues, reader.layout.preheaderFlags == 1 << 4 {  // 3.11: values at -32, dict at -24
            let values = try field(object &- reader.layout.objects.managedValuesBack311)
            if values != 0 { try appendWords(from: values, count: try sharedKeysCount(t), to: &out) }
        }
        if word != 0 { out.append(word) }
    }

    /// 3.13+: the values an instance keeps after its `tp_basicsize` (`offset`), behind a header
    /// {capacity, size, embedded, valid}; false when they are not valid (a dict was made).
    func appendInlineValues(of object: UInt64, at offset: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) -> Bool {
        let values = object &+ offset
        let header = try field(values)
        guard header >> 24 & 0xFF != 0 else { return false }
        try appendWords(from: values &+ reader.layout.objects.inlineValuesHeaderBytes, count: Int64(header & 0xFF), to: &out)
        return true
    }

    /// `dk_nentries` of a class's shared keys.
    func sharedKeysCount(_ t: Traversal) throws(ProcessAccessError) -> Int64 {
        guard t.cachedKeys != 0 else { return 0 }
        return Int64(bitPattern: try field(t.cachedKeys &+ reader.layout.dictKeysEntries))
    }

    /// `odict_traverse` (3.8–3.13 `PyODictObject`: the dict, `od_first` at 48,
    /// `od_inst_dict` at 96; a node holds its key at 0 and the next node at 16):
    /// the instance dict, each node's key, then what the dict visits.
    func appendOrderedDict(_ od: UInt64, _ t: Traversal, into out: inout [UInt64]) throws(ProcessAccessError) {
        let fields = reader.layout.objects
        let instanceDict = try field(od &+ fields.orderedDictInstanceDict)
        if instanceDict != 0 { out.append(instanceDict) }
        // ma_used comes from the target; each node takes 32 bytes of the copy (a looped list cannot claim more)
        let entries = min(Int64(bitPattern: try field(od &+ fields.varSize)), 1 << 26, Int64(clamping: copy.byteCount / 32))
        var node = try field(od &+ fields.orderedDictFirst), nodes: Int64 = 0
        while node != 0 {
            nodes += 1
            guard nodes <= max(entries, 0) &+ 1 else {
                throw .inconsistent(pid: 0, detail: "OrderedDict at 0x\(String(od, radix: 16)) links more keys than its \(entries) entries")
            }
            let key = try field(node)
            if key != 0 { out.append(key) }
            node = try field(node &+ fields.orderedDictNodeNext)
        }
        try appendDict(od, t, into: &out)
    }
}
