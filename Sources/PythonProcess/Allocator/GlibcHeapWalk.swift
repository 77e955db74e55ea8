public import Fragmentation
import ProcessModels

extension GlibcHeap {
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
}
