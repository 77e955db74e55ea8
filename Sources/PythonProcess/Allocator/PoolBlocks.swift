import Fragmentation

/// The allocated blocks of one pool, from a copy of the whole pool: every
/// block below `nextoffset` that is not on the pool's free list.
enum PoolBlocks {
    /// Byte offsets (within the pool) of allocated blocks, or nil if the
    /// header and free list disagree (the pool changed while it was read).
    static func allocatedOffsets(pool: [UInt8], poolAddress: UInt64, poolBytes: UInt64) -> [UInt64]? {
        let count = UInt64(pool.loadUInt32(at: 0))
        let sizeClass = pool.loadUInt32(at: 36)
        let nextOffset = UInt64(pool.loadUInt32(at: 40))
        guard sizeClass < 32, nextOffset <= poolBytes else { return nil }
        let size = ObmallocLayout.blockBytes(sizeClass: sizeClass)
        let header = ObmallocLayout.poolHeaderBytes
        guard nextOffset >= header else { return nil }
        let carved = (nextOffset - header) / size
        var free = [Bool](repeating: false, count: Int(carved))
        // The free list links blocks by absolute address through their first word.
        var link = pool.loadWord(at: 8)
        var steps: UInt64 = 0
        while link != 0, steps <= carved {
            // The virgin block at nextoffset−size is carved; beyond is not.
            guard link >= poolAddress + header, link < poolAddress + nextOffset else { break }
            let offset = link - poolAddress
            guard (offset - header) % size == 0, (offset - header) / size < carved else { return nil }
            free[Int((offset - header) / size)] = true
            link = pool.loadWord(at: Int(offset))
            steps += 1
        }
        var offsets: [UInt64] = []
        offsets.reserveCapacity(Int(min(count, carved)))  // count is read from the pool again: bounded by what is carved
        for i in 0..<Int(carved) where !free[i] { offsets.append(header + UInt64(i) * size) }
        return UInt64(offsets.count) == count ? offsets : nil
    }
}
