public import Fragmentation
public import ProcFS

/// glibc's mmapped chunks (large allocations, each in a mapping of its own)
/// found in the target's unnamed writable mappings, for ``MemoryAccount``.
public enum MmappedChunkScan {
    /// Walks an unnamed mapping from its start over arenas and glibc mmapped
    /// chunks (``MmappedChunk``: IS_MMAPPED, a whole number of pages), which
    /// the kernel merges into one mapping when they are adjacent.
    /// The headers are the target's words (a float buffer's `1.0` reads as a
    /// size of 2^62): a chunk must fit in what is left of the mapping, checked
    /// by subtraction so nothing can overflow; anything else ends the scan.
    public static func chunks(in mapping: Mapping, arenaStarts: Set<UInt64>, arenaBytes: UInt64,
                              memory: any MemorySource) -> [Range<UInt64>] {
        var found: [Range<UInt64>] = []
        var cursor = mapping.start
        while cursor < mapping.end, mapping.end - cursor >= 16 {
            let left = mapping.end - cursor
            if arenaStarts.contains(cursor) {
                guard arenaBytes > 0, arenaBytes < left else { return found }
                cursor += arenaBytes
                continue
            }
            guard let head = try? memory.bytes(at: cursor, count: 16) else { return found }
            let prevSize = head.loadWord(at: 0), field = head.loadWord(at: 8)
            guard let span = MmappedChunk.span(prevSize: prevSize, field: field), prevSize + span <= left else { return found }
            let length = prevSize + span
            found.append(cursor..<(cursor + length))
            cursor += length
        }
        return found
    }
}
