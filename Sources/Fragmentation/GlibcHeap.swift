public import ProcFS
public import PythonProcess

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
    public internal(set) var inUseStarts: [UInt64] = []
    public internal(set) var inUseSizes: [UInt64] = []
    /// The free chunks (address, size) and the top chunk, for the residency pass.
    var free: [(address: UInt64, size: UInt64)] = []
    var top: (address: UInt64, size: UInt64)?

    /// The top chunk's size in bytes.
    public var topBytes: UInt64 { top?.size ?? 0 }

    static let minChunkBytes: UInt64 = 32
    /// sizeof(struct malloc_chunk) on 64-bit: prev_size, size, fd, bk, fd_nextsize, bk_nextsize.
    static let chunkHeaderBytes: UInt64 = 48
    static let windowBytes = 1 << 20

    /// Walks the chunks of `[start, end)` (the `[heap]` mapping), reading
    /// memory in 1 MiB windows and skipping over large chunks. Chunk sizes are
    /// the target's words: each is checked against what is left of the heap
    /// (by subtraction, so no sum can overflow) before it is used.
    public static func walk(start: UInt64, end: UInt64, memory: any MemorySource) throws -> GlibcHeap {
        var heap = GlibcHeap(start: start, end: end)
        var window: [UInt8] = []
        var windowStart: UInt64 = 0
        var windowSize = 4096
        func header(_ p: UInt64) throws -> UInt64 {
            // p ≥ windowStart and end − p ≥ 16 hold below, so the offsets fit.
            if p < windowStart || p - windowStart > UInt64(window.count) || UInt64(window.count) - (p - windowStart) < 16 {
                // Dense runs of small chunks read in growing windows; a jump over a big chunk starts small again.
                let near = p >= windowStart && p - windowStart < UInt64(window.count + windowSize)
                windowSize = near ? min(windowSize * 2, windowBytes) : 4096
                windowStart = p
                window = try memory.bytes(at: p, count: Int(min(UInt64(windowSize), end - p)))
            }
            return window.loadWord(at: Int(p - windowStart) + 8)
        }
        // Chunks start 16-aligned after brk's start (page-aligned).
        guard start < end, end - start >= 32 else { return heap }
        var p = (start + 15) & ~15
        var previous: (address: UInt64, size: UInt64)?
        while p < end, end - p >= 16 {
            let field = try header(p)
            let size = field & ~7
            guard size >= minChunkBytes, size % 16 == 0, size <= end - p else {
                throw FragmentationError.implausible("malloc chunk at 0x\(String(p, radix: 16)) of size \(field)")
            }
            if let chunk = previous {
                // The PREV_INUSE bit of this chunk tells whether the previous one is in use.
                if field & 1 == 0 {
                    heap.free.append(chunk)
                    heap.freeBytes = heap.freeBytes.addingSaturated(chunk.size)
                } else {
                    heap.inUseBytes = heap.inUseBytes.addingSaturated(chunk.size)
                    heap.inUseChunks += 1
                    heap.inUseStarts.append(chunk.address)
                    heap.inUseSizes.append(chunk.size)
                }
            }
            previous = (p, size)
            if end - p - size < 16 { break }   // size ≤ end − p, checked above
            p += size
        }
        if let top = previous { heap.top = top }
        return heap
    }

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
