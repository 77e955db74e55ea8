import ProcessModels
public import ProcFS

/// glibc's main malloc arena, walked chunk by chunk from the target's memory
/// (`[heap]`, grown with brk): bytes in use, free, the top chunk, and what
/// `malloc_trim(0)` would give back to the OS.
///
/// A chunk is free when the next chunk's PREV_INUSE bit is clear. Chunks
/// cached in tcache or fastbins look in use (glibc marks them so); they are
/// small. `malloc_trim(0)` (glibc 2.8+, `mtrim`) calls `madvise(MADV_DONTNEED)`
/// on the whole pages inside every free chunk, past its first 48 bytes
/// (`sizeof(struct malloc_chunk)`), and shrinks the top chunk to its minimum
/// (`systrim`): so what it returns is the resident pages of those ranges.
public struct GlibcHeap: Sendable {
    /// Start and end of the walked heap.
    public var start: UInt64
    public var end: UInt64
    /// Bytes in chunks in use (including glibc's tcache and fastbin caches).
    public var inUseBytes: UInt64 = 0
    public var inUseChunks: Int = 0
    /// Bytes in free chunks, not counting the top chunk.
    public var freeBytes: UInt64 = 0
    public var freeChunks: Int { free.count }
    /// Resident bytes of the free chunks and of the top chunk.
    public var freeResidentBytes: UInt64 = 0
    /// Resident bytes `malloc_trim(0)` would release.
    public var trimmableBytes: UInt64 = 0
    /// The chunks in use, in address order: where each starts and its size (for the owners' attribution).
    public var inUseStarts: [UInt64] = []
    public var inUseSizes: [UInt64] = []
    /// The free chunks (address, size) and the top chunk, for the residency pass.
    package var free: [(address: UInt64, size: UInt64)] = []
    package var top: (address: UInt64, size: UInt64)?

    /// An empty account of the heap `[start, end)`, filled by its walk.
    public init(start: UInt64, end: UInt64) {
        self.start = start
        self.end = end
    }

    /// The top chunk's size in bytes.
    public var topBytes: UInt64 { top?.size ?? 0 }

    package static let minChunkBytes: UInt64 = 32
    /// sizeof(struct malloc_chunk) on 64-bit: prev_size, size, fd, bk, fd_nextsize, bk_nextsize.
    static let chunkHeaderBytes: UInt64 = 48

    /// The index of the chunk in use that holds `address`, if one does.
    public func inUseChunk(holding address: UInt64) -> Int? {
        var low = 0, high = inUseStarts.count  // the first start above `address`
        while low < high {
            let mid = (low + high) / 2
            if inUseStarts[mid] <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address - inUseStarts[low - 1] < inUseSizes[low - 1] else { return nil }
        return low - 1
    }

    /// Fills ``freeResidentBytes`` and ``trimmableBytes`` from the pagemap
    /// (after the walk, with the target running again).
    public mutating func measureResidency(_ pages: PageMap) {
        let mask = pages.pageBytes &- 1
        freeResidentBytes = 0
        trimmableBytes = 0
        for chunk in free {
            // mtrim: madvise the whole pages past the chunk's first 48 bytes.
            let (past, o1) = chunk.address.addingReportingOverflow(Self.chunkHeaderBytes &+ mask)
            let (chunkEnd, o2) = chunk.address.addingReportingOverflow(chunk.size)
            let aligned = past & ~mask, end = chunkEnd & ~mask
            guard !o1, !o2, end > aligned else { continue }
            let resident = pages.residentBytes(from: aligned, to: end)
            freeResidentBytes = freeResidentBytes.addingSaturated(resident)
            trimmableBytes = trimmableBytes.addingSaturated(resident)
        }
        guard let top, top.address <= UInt64.max - top.size else { return }
        // systrim(pad 0): top_area = size − MINSIZE − 1, released in whole pages from its end.
        let topEnd = top.address + top.size
        let area = top.size.subtractingSaturated(Self.minChunkBytes + 1)
        let extra = area & ~mask
        trimmableBytes = trimmableBytes.addingSaturated(pages.residentBytes(from: topEnd - extra, to: topEnd))
        freeResidentBytes = freeResidentBytes.addingSaturated(pages.residentBytes(from: top.address, to: topEnd))
    }
}
