import ProcessModels

extension TypeSizing {
    /// Stdlib types whose C `__sizeof__` adds storage the object owns to
    /// `tp_basicsize` (of the instance's own type, so subclasses too), read by layout.
    /// Their fields are in ``OwnedStorageLayout`` and ``ObjectFields``.
    enum OwnedStorage {
        /// `bytearray`: `ob_alloc` bytes (3.15+: in a bytes object, its header counted too).
        case bytearray
        /// `_io.BytesIO`: its bytes buffer when no one else holds it (refcount 1).
        case bytesIO
        /// `_io.BufferedReader/Writer/Random`: `buffer_size` while a buffer is allocated.
        case buffered
        /// `array.array`: `allocated × ob_descr->itemsize`.
        case array
        /// `collections.deque`: its blocks of 64 items.
        case deque
        /// `_struct.Struct`: its format codes and the terminating one.
        case structFormat
        /// `decimal.Decimal`: its digits when they are allocated apart.
        case decimal
        /// `_pickle.Pickler`: its memo table and output buffer.
        case pickler
        /// `_pickle.Unpickler`: memo, marks, and the input line, encoding and errors strings.
        case unpickler
        /// `itertools.combinations` and `combinations_with_replacement`: `r` indices.
        case combinations
        /// `itertools.permutations`: indices over the pool and `r` cycles.
        case permutations
        /// `itertools.product`: one index per pool.
        case product
        /// `xml.etree.ElementTree.Element`: its extra block and its children array when not inline.
        case element
        /// `collections.OrderedDict`: the dict, its fast-nodes table and one node per item.
        case orderedDict

        /// The rule of the type that defines `__sizeof__`, by its name (3.8's Struct is bare `Struct`).
        init?(typeName: String) {
            switch typeName {
            case "bytearray": self = .bytearray
            case "_io.BytesIO": self = .bytesIO
            case "_io.BufferedReader", "_io.BufferedWriter", "_io.BufferedRandom": self = .buffered
            case "array.array": self = .array
            case "collections.deque": self = .deque
            case "_struct.Struct", "Struct": self = .structFormat
            case "decimal.Decimal": self = .decimal
            case "_pickle.Pickler": self = .pickler
            case "_pickle.Unpickler": self = .unpickler
            case "itertools.combinations", "itertools.combinations_with_replacement": self = .combinations
            case "itertools.permutations": self = .permutations
            case "itertools.product": self = .product
            case "xml.etree.ElementTree.Element": self = .element
            case "collections.OrderedDict": self = .orderedDict
            default: return nil
            }
        }
    }

    /// `sys.getsizeof` without the GC pre-header for an ``OwnedStorage`` instance:
    /// its type's basic size plus what the type's `__sizeof__` adds. Words read are untrusted: saturating arithmetic.
    func ownedStorageSizeBytes(_ storage: OwnedStorage, of object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let memory = reader.memory, fields = reader.layout.ownedStorage, objects = reader.layout.objects
        func count(_ offset: UInt64, of address: UInt64 = object) throws(ProcessAccessError) -> UInt64 {
            try Self.count(at: address &+ offset, reader: reader)
        }
        func bytesObjectSize(_ bytes: UInt64) throws(ProcessAccessError) -> UInt64 {
            Self.bytesHeaderBytes.addingSaturated(try count(objects.varSize, of: bytes))
        }
        var added: UInt64 = 0
        switch storage {
        case .bytearray:
            let allocated = try count(fields.bytearrayAllocated)
            added = allocated == 0 ? 0 : allocated.addingSaturated(fields.bytearrayBufferHeaderBytes)
        case .bytesIO:
            // `SHARED_BUF`: a buffer also held elsewhere (getvalue()'s result, the empty bytes) is not counted.
            let buffer = try reader.word(object &+ fields.bytesIOBuffer)
            if buffer != 0, try memory.load(UInt32.self, at: buffer) == 1 { added = try bytesObjectSize(buffer) }
        case .buffered:
            if try reader.word(object &+ fields.bufferedBuffer) != 0 { added = try count(fields.bufferedBufferSize) }
        case .array:
            let descriptor = try reader.word(object &+ fields.arrayDescriptor)
            let itemSize = try memory.load(Int32.self, at: descriptor &+ fields.arrayDescriptorItemSize)
            added = try count(fields.arrayAllocated).multipliedSaturated(by: UInt64(clamping: itemSize))
        case .deque:
            // (leftindex + ob_size + BLOCKLEN - 1) / BLOCKLEN blocks of BLOCKLEN items and two links.
            let items = objects.dequeBlockItems
            let blocks = try count(objects.dequeLeftIndex).addingSaturated(try count(objects.varSize)).addingSaturated(items &- 1) / items
            added = blocks.multipliedSaturated(by: objects.dequeBlockRightLink &+ 8)
        case .structFormat:
            added = try structCodesBytes(object, reader: reader)
        case .decimal:
            // MPD_STATIC_DATA | MPD_SHARED_DATA | MPD_CONST_DATA clear: `alloc` words of its own.
            if try memory.load(UInt8.self, at: object &+ fields.decimalFlags) & 0xE0 == 0 {
                added = try count(fields.decimalAllocated).multipliedSaturated(by: 8)
            }
        case .pickler:
            let memo = try reader.word(object &+ fields.picklerMemo), output = try reader.word(object &+ fields.picklerOutputBuffer)
            if memo != 0 {  // a PyMemoTable and its entries
                added = try count(fields.memoTableAllocated, of: memo).multipliedSaturated(by: fields.memoEntryBytes)
                    .addingSaturated(fields.memoTableBytes)
            }
            added = added.addingSaturated(output == 0 ? 0 : try bytesObjectSize(output))
        case .unpickler:
            added = try unpicklerAddedBytes(object, reader: reader)
        case .combinations:
            added = try count(fields.combinationsR).multipliedSaturated(by: 8)
        case .permutations:
            let pool = try reader.word(object &+ fields.permutationsPool)
            added = try count(objects.varSize, of: pool).addingSaturated(try count(fields.permutationsR)).multipliedSaturated(by: 8)
        case .product:
            added = try count(objects.varSize, of: reader.word(object &+ fields.productPools)).multipliedSaturated(by: 8)
        case .element:
            added = try elementExtraBytes(object, reader: reader)
        case .orderedDict:
            return try orderedDictSizeBytes(object, reader: reader)
        }
        return basicSize.addingSaturated(added)
    }

    /// The `Py_ssize_t` at `address`, a negative one as 0.
    private static func count(at address: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        UInt64(clamping: try reader.memory.load(Int64.self, at: address))
    }

    /// An OrderedDict: the dict, `od_fast_nodes_size` slots, and a node per item unless `od_first` is NULL.
    private func orderedDictSizeBytes(_ object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let fields = reader.layout.objects
        let dict = try dictSizeBytes(object, reader: reader)
        let nodes = try reader.word(object &+ fields.orderedDictFirst) == 0
            ? 0 : try Self.count(at: object &+ fields.varSize, reader: reader).multipliedSaturated(by: fields.orderedDictNodeBytes)
        let fastNodes = try Self.count(at: object &+ fields.orderedDictFastNodesSize, reader: reader)
        return dict.addingSaturated(fastNodes.multipliedSaturated(by: 8)).addingSaturated(nodes)
    }

    /// An Unpickler's memo, marks, and its input line, encoding and errors strings with their NULs.
    private func unpicklerAddedBytes(_ object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let memory = reader.memory, fields = reader.layout.ownedStorage
        func count(_ offset: UInt64) throws(ProcessAccessError) -> UInt64 { try Self.count(at: object &+ offset, reader: reader) }
        var added: UInt64 = 0
        if try reader.word(object &+ fields.unpicklerMemo) != 0 { added = try count(fields.unpicklerMemoSize).multipliedSaturated(by: 8) }
        if try reader.word(object &+ fields.unpicklerMarks) != 0 {
            added = added.addingSaturated(try count(fields.unpicklerMarksSize).multipliedSaturated(by: 8))
        }
        for field in [fields.unpicklerInputLine, fields.unpicklerEncoding, fields.unpicklerErrors] {
            let string = try reader.word(object &+ field)
            if string != 0 { added = added.addingSaturated(try Self.stringLength(at: string, memory: memory) &+ 1) }
        }
        return added
    }

    /// An Element's extra block, and its children array when it is allocated apart from the 4 inline slots.
    private func elementExtraBytes(_ object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let fields = reader.layout.ownedStorage
        let extra = try reader.word(object &+ fields.elementExtra)
        guard extra != 0 else { return 0 }
        guard try reader.word(extra &+ fields.elementExtraChildren) != extra &+ fields.elementExtraInlineChildren else {
            return fields.elementExtraBytes
        }
        let allocated = try Self.count(at: extra &+ fields.elementExtraAllocated, reader: reader)
        return fields.elementExtraBytes.addingSaturated(allocated.multipliedSaturated(by: 8))
    }

    /// `PyBytesObject_SIZE`: a bytes object's header and its NUL.
    static let bytesHeaderBytes: UInt64 = 33

    /// A Struct's format codes (32 bytes each) up to and with the one whose `fmtdef` is NULL.
    private func structCodesBytes(_ object: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let fields = reader.layout.ownedStorage
        let codes = try reader.word(object &+ fields.structCodes)
        var count: UInt64 = 1
        while try reader.word(codes &+ (count &- 1) &* fields.structCodeBytes) != 0 {
            count &+= 1
            guard count < 1 << 24 else { throw .inconsistent(pid: 0, detail: "Struct at 0x\(String(object, radix: 16)) has no last code") }
        }
        return count &* fields.structCodeBytes
    }

    /// `strlen` of the C string at `address`, read 64 bytes at a time (at most 1 MiB).
    static func stringLength(at address: UInt64, memory: any MemorySource) throws(ProcessAccessError) -> UInt64 {
        var length: UInt64 = 0
        while length < 1 << 20 {
            let cursor = address &+ length
            let step = min(64, 4096 &- Int(cursor % 4096))  // not past the page: the next one may be unmapped
            let chunk = try memory.bytes(at: cursor, count: step)
            if let end = chunk.firstIndex(of: 0) { return length &+ UInt64(end) }
            length &+= UInt64(step)
        }
        throw .inconsistent(pid: 0, detail: "C string at 0x\(String(address, radix: 16)) has no end")
    }
}
