import ProcessModels

extension TypeSizing {
    /// The most blocks of a deque followed (a deque of 2^30 items has 2^24).
    static let maxDequeBlocks = 1 << 24

    /// Whether `object`, whose `sys.getsizeof` is `size`, owns memory apart from itself that the size counts:
    /// a numpy array that owns its data, or a stdlib type that owns storage (``OwnedStorage``) sized past its basic size.
    func ownsBuffer(_ object: UInt64, size: UInt64, reader: ObjectReader) -> Bool {
        switch rule {
        case .ndarray: ((try? reader.memory.load(Int32.self, at: object &+ NumpyLayout.arrayFlags)) ?? 0) & NumpyLayout.ownDataFlag != 0
        case .storage: size > basicSize.addingSaturated(preheaderBytes)
        default: false
        }
    }

    /// Appends the pointers to the memory an object allocates apart from itself and
    /// `__sizeof__` counts: an array's data when it owns them, a bytearray's or
    /// array.array's buffer, a BytesIO's bytes, a buffered file's buffer, a deque's
    /// blocks, a list's item array, a dict's keys table and values, a set's table.
    /// Each pointer is into (or at) a malloc block; the caller finds the block.
    /// Words read are untrusted: addresses wrap, the deque's chain is bounded.
    func appendBuffers(of object: UInt64, reader: ObjectReader, into out: inout [UInt64]) throws(ProcessAccessError) {
        let layout = reader.layout, fields = layout.ownedStorage
        func add(_ field: UInt64) throws(ProcessAccessError) {
            let pointer = try reader.word(object &+ field)
            if pointer != 0 { out.append(pointer) }
        }
        switch rule {
        case .ndarray:
            let flags = try reader.memory.load(Int32.self, at: object &+ NumpyLayout.arrayFlags)
            if flags & NumpyLayout.ownDataFlag != 0 { try add(NumpyLayout.arrayData) }
        case .storage(.bytearray): try add(fields.bytearrayBytes)
        case .storage(.array): try add(fields.arrayItems)
        case .storage(.bytesIO): try add(fields.bytesIOBuffer)
        case .storage(.buffered): try add(fields.bufferedBuffer)
        case .storage(.deque): try appendDequeBlocks(object, reader: reader, into: &out)
        case .list: try add(layout.objects.listItems)
        case .dict:
            let keys = try reader.word(object &+ layout.dictKeys)
            if keys != 0, try reader.memory.load(Int64.self, at: keys) == 1 { out.append(keys) }  // owned: dk_refcnt 1
            try add(layout.dictValues)
        case .set:
            let table = try reader.word(object &+ layout.setTable)
            if table != 0, table != object &+ layout.setSmallTable { out.append(table) }
        default: break
        }
    }

    /// A deque's blocks, from `leftblock` through each block's `rightlink` (after its items), as many as it has.
    private func appendDequeBlocks(_ deque: UInt64, reader: ObjectReader, into out: inout [UInt64]) throws(ProcessAccessError) {
        let fields = reader.layout.objects
        let size = UInt64(clamping: try reader.memory.load(Int64.self, at: deque &+ fields.varSize))
        let leftIndex = UInt64(clamping: try reader.memory.load(Int64.self, at: deque &+ fields.dequeLeftIndex))
        let items = fields.dequeBlockItems
        let blocks = min(size.addingSaturated(leftIndex).addingSaturated(items &- 1) / items, UInt64(Self.maxDequeBlocks))
        var block = try reader.word(deque &+ fields.dequeLeftBlock)
        var count: UInt64 = 0, seen: Set<UInt64> = []
        // A block linked back to one already seen (forged, or torn) ends the chain: each is claimed once.
        while block != 0, count < blocks, seen.insert(block).inserted {
            out.append(block)
            count += 1
            block = try reader.word(block &+ fields.dequeBlockRightLink)
        }
    }
}
