/// Reads CPython objects out of a ``MemorySource``: `str` values, dict
/// entries and type names, for one ``PythonLayout``. Used on a ``HeapCopy``
/// after the target resumed, so nothing here needs the target stopped.
struct ObjectReader {
    let memory: any MemorySource
    let layout: PythonLayout

    // Type flags (Include/object.h, same 3.8–3.13).
    static let heapTypeFlag: UInt64 = 1 << 9
    /// `Py_TPFLAGS_HAVE_GC`: instances are collected objects (with a GC header and a `tp_traverse`).
    static let haveGC: UInt64 = 1 << 14
    static let longSubclass: UInt64 = 1 << 24
    static let listSubclass: UInt64 = 1 << 25
    static let tupleSubclass: UInt64 = 1 << 26
    static let bytesSubclass: UInt64 = 1 << 27
    static let unicodeSubclass: UInt64 = 1 << 28
    static let dictSubclass: UInt64 = 1 << 29
    static let typeSubclass: UInt64 = 1 << 31
    /// `Py_TPFLAGS_READY`: set on every type `PyType_Ready` has finished.
    static let typeReady: UInt64 = 1 << 12

    func word(_ address: UInt64) throws(ProcessAccessError) -> UInt64 { try memory.pointer(at: address) }

    func typeOf(_ object: UInt64) throws(ProcessAccessError) -> UInt64 { try word(object &+ layout.objects.type) }

    func flags(ofType type: UInt64) throws(ProcessAccessError) -> UInt64 {
        try memory.load(UInt64.self, at: type &+ layout.typeFlags)
    }

    /// The text of the `str` at `object`, nil if it is not a str. Compact
    /// strings only (every identifier and `__module__` value is compact).
    func string(at object: UInt64, maxLength: Int = 4096) throws(ProcessAccessError) -> String? {
        guard object != 0, try flags(ofType: typeOf(object)) & Self.unicodeSubclass != 0 else { return nil }
        let length = Int(try memory.load(Int64.self, at: object &+ layout.unicodeLength))
        let state = try memory.load(UInt32.self, at: object &+ layout.unicodeState)
        let kind = Int(state >> 2 & 7), compact = state >> 5 & 1 == 1, ascii = state >> 6 & 1 == 1
        guard compact, length >= 0, length <= maxLength, [1, 2, 4].contains(kind) else { return nil }
        let data = object &+ (ascii ? layout.asciiObjectSize : layout.compactUnicodeObjectSize)
        let bytes = try memory.bytes(at: data, count: length &* kind)
        switch kind {
        case 1: return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
        case 2: return String(decoding: stride(from: 0, to: bytes.count, by: 2).map { bytes.le(UInt16.self, $0) }, as: UTF16.self)
        default:
            let scalars = stride(from: 0, to: bytes.count, by: 4).compactMap { Unicode.Scalar(bytes.le(UInt32.self, $0)) }
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars)
            return text
        }
    }

    /// The value stored under the str key `name` in the dict at `dict`
    /// (combined tables; a split table's values are not looked at).
    func lookup(_ name: String, inDict dict: UInt64) throws(ProcessAccessError) -> UInt64? {
        guard dict != 0 else { return nil }
        let keys = try word(dict &+ layout.dictKeys)
        let shape = try keysShape(keys)
        for i in 0..<max(0, min(shape.entries, 1 << 16)) {
            let entry = shape.firstEntry &+ UInt64(i) &* shape.entrySize
            let keyOffset: UInt64 = shape.entrySize == 24 ? 8 : 0
            let key = try word(entry &+ keyOffset)
            guard key != 0, try string(at: key, maxLength: 64) == name else { continue }
            return try word(entry &+ keyOffset &+ 8)
        }
        return nil
    }

    /// Where a keys object's entries start, how many are in use and their size.
    func keysShape(_ keys: UInt64) throws(ProcessAccessError) -> (firstEntry: UInt64, entries: Int, entrySize: UInt64, size: UInt64,
        indexBytes: UInt64, usable: UInt64) {
        let entries = Int(clamping: try memory.load(Int64.self, at: keys &+ layout.dictKeysEntries))
        if layout.dictKeysLog2 {
            let fields = layout.objects
            let log2Size = try memory.load(UInt8.self, at: keys &+ fields.dictKeysLog2Size)
            let log2IndexBytes = try memory.load(UInt8.self, at: keys &+ fields.dictKeysLog2IndexBytes)
            let kind = try memory.load(UInt8.self, at: keys &+ fields.dictKeysKind)
            guard log2Size < 40, log2IndexBytes < 44 else { throw .inconsistent(pid: 0,
                detail: "dict keys at 0x\(String(keys, radix: 16))") }
            let size = UInt64(1) << log2Size, indexBytes = UInt64(1) << log2IndexBytes
            return (keys &+ layout.dictKeysHeaderSize &+ indexBytes, entries, kind == 0 ? 24 : 16, size, indexBytes, size &* 2 / 3)
        }
        let size = try memory.load(UInt64.self, at: keys &+ 8)
        guard size > 0, size < 1 << 40 else { throw .inconsistent(pid: 0, detail: "dict keys at 0x\(String(keys, radix: 16))") }
        let indexBytes = size &* (size <= 0xFF ? 1 : size <= 0xFFFF ? 2 : size <= 0xFFFF_FFFF ? 4 : 8)
        return (keys &+ layout.dictKeysHeaderSize &+ indexBytes, entries, 24, size, indexBytes, size &* 2 / 3)
    }

    /// `_PyDict_KeysSize`: header, indices and usable entries.
    func keysSizeBytes(_ keys: UInt64) throws(ProcessAccessError) -> UInt64 {
        let shape = try keysShape(keys)
        return layout.dictKeysHeaderSize &+ shape.indexBytes &+ shape.usable &* shape.entrySize
    }

    /// `module.QualName` as `f"{t.__module__}.{t.__qualname__}"` gives it, bare
    /// for builtins. Heap types: `ht_qualname` and the `__module__` str in the
    /// type's dict. Static types: `tp_name` already holds `module.Name`.
    func typeName(_ type: UInt64) throws(ProcessAccessError) -> String {
        let flags = try flags(ofType: type)
        if flags & Self.heapTypeFlag != 0, let qualname = try string(at: word(type &+ layout.heapTypeQualname)) {
            let module = try lookup("__module__",
                inDict: word(type &+ layout.typeDict)).flatMap { (v) throws(ProcessAccessError) in try string(at: v) }
            guard let module, module != "builtins" else { return qualname }
            return module + "." + qualname
        }
        return try memory.cString(at: word(type &+ layout.typeName), maxLength: 200)
    }
}
