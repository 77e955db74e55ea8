import ProcessModels
/// How `sys.getsizeof` sizes the instances of one type: its `__sizeof__`
/// rule, and the GC and managed-dict pre-header it adds on top. Plain data
/// (the name is kept apart, in ``HeapWalk/typeNames``): read per object.
struct TypeSizing {
    /// The `__sizeof__` a type inherits.
    enum Rule {
        /// `object.__sizeof__`: `tp_basicsize + tp_itemsize * ob_size` (tuple, bytes, instances, functions…).
        case plain
        /// `list.__sizeof__`: basic size + `allocated` slots.
        case list
        /// `dict.__sizeof__`: basic size + split values + the keys table when the dict owns it.
        case dict
        /// `set.__sizeof__`: basic size + the table unless it is the inline small table.
        case set
        /// `type.__sizeof__`: `PyHeapTypeObject` + its cached shared keys.
        case type
        /// `str.__sizeof__` of a (non-compact) str subclass instance.
        case str
        /// `int.__sizeof__` of an int subclass instance.
        case long
        /// `code.__sizeof__`: 3.11+ the variable size rounded to 8; 3.8–3.10 the
        /// object, `co_cell2arg`, the opcache and its map (`co_extra`, rare, left out).
        case code
        /// A stdlib type that owns storage (a buffer, blocks, a table), read by layout.
        case storage(OwnedStorage)
        /// `numpy.ndarray.__sizeof__` (numpy 1.x and 2.x): its shape and strides, and its data when it owns them.
        case ndarray
    }

    var basicSize: UInt64
    var itemSize: UInt64
    var rule: Rule
    /// Bytes `sys.getsizeof` adds: the GC header, plus the managed dict/weakref pre-header.
    var preheaderBytes: UInt64
    /// False when the type inherits a `__sizeof__` memlens does not model, or is corrupt.
    var exact: Bool
    /// True when `tp_basicsize` or `tp_itemsize` is negative (written by ctypes or
    /// a stray write): CPython's own `sys.getsizeof` refuses such a type, so its
    /// instances are counted with size 0, marked approximate, and named in a note.
    var corrupt = false

    /// Built-in types whose own `__sizeof__` counts storage memlens does not read
    /// (their instances are sized as plain objects and marked approximate). 3.12+
    /// keeps built-in types' dicts apart from the type, so this is known by name.
    static let unmodelledSizeof: Set<String> = ["frame", "generator", "coroutine", "async_generator"]

    /// The core types whose C `__sizeof__` a ``Rule`` other than ``Rule/storage(_:)`` models.
    static let modelledSizeof: Set<String> = ["object", "list", "dict", "set", "frozenset", "type", "str", "int", "code",
                                                     "frozendict"]

    /// Works out the sizing of the type at `type`.
    init(type: UInt64, reader: ObjectReader) throws(ProcessAccessError) {
        let layout = reader.layout, memory = reader.memory
        let flags = try reader.flags(ofType: type)
        basicSize = try memory.load(UInt64.self, at: type &+ layout.typeBasicSize)
        itemSize = try memory.load(UInt64.self, at: type &+ layout.typeItemSize)
        // Only collected types carry the GC header (str, int, code… do not).
        let gcHeader = flags & ObjectReader.haveGC != 0 ? layout.gcHeadSize : 0
        preheaderBytes = gcHeader &+ (flags & layout.preheaderFlags != 0 ? layout.objects.preheaderBytes : 0)
        let owner = try Self.sizeofOwner(type, reader: reader)
        let name = try reader.typeName(owner.type)
        let storage = owner.kind == .python ? nil : OwnedStorage(typeName: name)
        switch name {
        case _ where flags & ObjectReader.typeSubclass != 0: rule = .type
        case _ where flags & ObjectReader.listSubclass != 0: rule = .list
        case _ where flags & ObjectReader.dictSubclass != 0: rule = .dict
        case _ where flags & ObjectReader.unicodeSubclass != 0: rule = .str
        case _ where flags & ObjectReader.longSubclass != 0: rule = .long
        case "set", "frozenset": rule = .set
        case "frozendict": rule = .dict  // 3.15: a dict and its hash, sized as one
        case "code": rule = .code
        default: rule = .plain
        }
        if let storage { rule = .storage(storage) }  // OrderedDict is a dict subclass: its rule counts the dict
        if owner.kind != .python, name == NumpyLayout.arrayTypeName { rule = .ndarray }
        let modelled: Bool
        switch rule {
        case .storage, .ndarray: modelled = true
        default: modelled = false
        }
        switch owner.kind {
        case .python: exact = false
        case .c: exact = modelled || Self.modelledSizeof.contains(name)
        case .unknown: exact = modelled || !Self.unmodelledSizeof.contains(name)
        }
        if Int64(bitPattern: basicSize) < 0 || Int64(bitPattern: itemSize) < 0 {
            (corrupt, exact, rule) = (true, false, .plain)
            (basicSize, itemSize, preheaderBytes) = (0, 0, 0)
        }
    }

    /// `basic + count × item`, saturated; a negative count adds nothing.
    static func varSize(basic: UInt64, count: Int64, item: UInt64) -> UInt64 {
        basic.addingSaturated(UInt64(clamping: count).multipliedSaturated(by: item))
    }

    /// `sys.getsizeof(object)` read straight from a copy for the common cases
    /// (fixed-size objects, var-sized ones, lists, compact ASCII strs); the rest as ``sizeBytes(of:reader:)``.
    @inline(__always)
    func sizeBytes(of object: UInt64, copy: HeapCopy, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        switch rule {
        case .plain where itemSize == 0 || !exact:
            return basicSize.addingSaturated(preheaderBytes)
        case .plain:
            if let count = copy.word(at: object &+ reader.layout.objects.varSize) {
                return Self.varSize(basic: basicSize, count: Int64(bitPattern: count), item: itemSize).addingSaturated(preheaderBytes)
            }
        case .list:
            if let allocated = copy.word(at: object &+ reader.layout.listAllocated) {
                return Self.varSize(basic: basicSize, count: Int64(bitPattern: allocated), item: 8).addingSaturated(preheaderBytes)
            }
        case .str:
            let layout = reader.layout
            if let length = copy.word(at: object &+ layout.unicodeLength), let state = copy.word(at: object &+ layout.unicodeState),
               state >> 5 & 3 == 3 {
                return layout.asciiObjectSize.addingSaturated(length).addingSaturated(1 &+ preheaderBytes)
            }
        default: break
        }
        return try sizeBytes(of: object, reader: reader)
    }

    /// `sys.getsizeof(object)`.
    func sizeBytes(of object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let layout = reader.layout, memory = reader.memory
        var size: UInt64
        switch rule {
        case .plain:
            size = basicSize
            if itemSize > 0, exact {  // an unmodelled var-sized type may not keep ob_size at 16
                let count = try memory.load(Int64.self, at: object &+ layout.objects.varSize)
                size = Self.varSize(basic: basicSize, count: count, item: itemSize)
            }
        case .list:
            size = Self.varSize(basic: basicSize, count: try memory.load(Int64.self, at: object &+ layout.listAllocated), item: 8)
        case .set:
            let table = try reader.word(object &+ layout.setTable)
            size = basicSize
            if table != object &+ layout.setSmallTable {
                let slots = UInt64(clamping: try memory.load(Int64.self, at: object &+ layout.setMask)).addingSaturated(1)
                size = size.addingSaturated(slots.multipliedSaturated(by: 16))
            }
        case .dict:
            size = try dictSizeBytes(object, reader: reader)
        case .type:
            // A static type is no collected object: `sizeof(PyTypeObject)`, no GC header.
            guard try reader.flags(ofType: object) & ObjectReader.heapTypeFlag != 0 else { return layout.typeObjectSize }
            let keys = try reader.word(object &+ layout.heapTypeCachedKeys)
            size = layout.heapTypeSize.addingSaturated(keys == 0 ? 0 : try reader.keysSizeBytes(keys))
        case .str:
            size = try strSizeBytes(object, reader: reader)
        case .code where layout.dictKeysLog2:
            let count = try memory.load(Int64.self, at: object &+ layout.objects.varSize)
            size = Self.varSize(basic: basicSize, count: count, item: itemSize).addingSaturated(7) & ~7
        case .code:
            size = try legacyCodeSizeBytes(object, reader: reader)
        case .storage(let storage):
            return try ownedStorageSizeBytes(storage, of: object, reader: reader).addingSaturated(preheaderBytes)
        case .ndarray:
            size = try arraySizeBytes(object, reader: reader)
        case .long:
            let fields = layout.objects
            let field = try memory.load(Int64.self, at: object &+ fields.varSize)
            let digits = layout.longHasTag ? UInt64(bitPattern: field) >> fields.longTagBits : field.magnitude
            let count = Int64(clamping: layout.longAtLeastOneDigit ? max(1, digits) : digits)
            size = Self.varSize(basic: fields.longDigits, count: count, item: fields.longDigitBytes)
        }
        return size.addingSaturated(preheaderBytes)
    }

    /// 3.8–3.10 `code.__sizeof__`: the object, `co_cell2arg` (a byte per cell variable, counted as words),
    /// and the opcache with its map (half the bytecode's length) when it is allocated.
    private func legacyCodeSizeBytes(_ object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let memory = reader.memory, fields = reader.layout.objects
        var size = basicSize
        let cellvars = try reader.word(object &+ fields.legacyCodeCellVars)
        if try reader.word(object &+ fields.legacyCodeCell2Arg) != 0, cellvars != 0 {
            size = Self.varSize(basic: size, count: try memory.load(Int64.self, at: cellvars &+ fields.varSize), item: 8)
        }
        if try reader.word(object &+ fields.legacyCodeOpcache) != 0 {
            let code = try reader.word(object &+ fields.legacyCodeBytes)
            size = size.addingSaturated(UInt64(clamping: try memory.load(Int64.self, at: code &+ fields.varSize)) / 2)
            let entries = UInt64(try memory.load(UInt8.self, at: object &+ fields.legacyCodeOpcacheSize))
            size = size.addingSaturated(fields.legacyCodeOpcacheEntryBytes &* entries)
        }
        return size
    }

    /// `_PyDict_SizeOf` (3.8–3.13).
    func dictSizeBytes(_ dict: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let layout = reader.layout
        let keys = try reader.word(dict &+ layout.dictKeys)
        let values = try reader.word(dict &+ layout.dictValues)
        var size = basicSize
        if keys == 0 { return size }
        let shape = try reader.keysShape(keys)
        if values != 0 {
            if layout.dictKeysLog2 {
                // 3.11+: shared_keys_usable_size = dk_nentries + dk_usable
                let usable = try reader.memory.load(Int64.self, at: keys &+ layout.dictKeysUsable)
                size = Self.varSize(basic: size, count: Int64(shape.entries).addingSaturated(usable), item: 8)
            } else {
                size = size.addingSaturated(shape.usable.multipliedSaturated(by: 8))
            }
        }
        if try reader.memory.load(Int64.self, at: keys) == 1 {  // dk_refcnt: the dict owns its keys
            let table = shape.indexBytes.addingSaturated(shape.usable.multipliedSaturated(by: shape.entrySize))
            size = size.addingSaturated(layout.dictKeysHeaderSize.addingSaturated(table))
        }
        return size
    }

    /// `str.__sizeof__` for a legacy (subclass) string.
    private func strSizeBytes(_ object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let layout = reader.layout, memory = reader.memory
        let length = UInt64(clamping: try memory.load(Int64.self, at: object &+ layout.unicodeLength))
        let state = try memory.load(UInt32.self, at: object &+ layout.unicodeState)
        let kind = UInt64(state >> 2 & 7), compact = state >> 5 & 1 == 1, ascii = state >> 6 & 1 == 1
        if compact && ascii { return layout.asciiObjectSize.addingSaturated(length.addingSaturated(1)) }
        var size: UInt64
        var data: UInt64 = 0
        if compact {
            size = layout.compactUnicodeObjectSize.addingSaturated(length.addingSaturated(1).multipliedSaturated(by: kind))
        } else {
            data = try reader.word(object &+ layout.unicodeData)
            size = layout.unicodeObjectSize.addingSaturated(data != 0 ? length.addingSaturated(1).multipliedSaturated(by: kind) : 0)
        }
        if !ascii || !compact {
            let utf8 = try reader.word(object &+ layout.compactUTF8)
            if utf8 != 0, utf8 != data {
                let utf8Length = UInt64(clamping: try memory.load(Int64.self, at: object &+ layout.compactUTF8Length))
                size = size.addingSaturated(utf8Length.addingSaturated(1))
            }
        }
        return size
    }
}
