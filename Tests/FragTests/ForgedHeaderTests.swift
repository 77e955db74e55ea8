@testable import Fragmentation
@testable import ProcFS
@testable import PythonProcess
import Testing

/// Issue 23, crash 4: `frag` read glibc chunk headers out of anonymous memory
/// and added them unchecked; a float buffer's words (or any forged header)
/// overflowed `prev_size + size` and `cursor + length`. Each header is now
/// checked against what is left of its mapping before it is added.
@Suite struct ForgedHeaderTests {
    static let start: UInt64 = 0x7F00_0000_0000

    /// An unnamed private writable mapping of `bytes`, as `smaps` lists one.
    static func anonymous(_ start: UInt64, bytes: UInt64) -> Mapping {
        var mapping = Mapping()
        mapping.start = start
        mapping.end = start + bytes
        mapping.permissions = Permissions("rw-p")
        return mapping
    }

    /// Scans one mapping whose first chunk header is (`prevSize`, `size`).
    static func scan(prevSize: UInt64, size: UInt64, mappingBytes: UInt64 = 1 << 20) -> [Range<UInt64>] {
        var memory = ImageMemory()
        memory.putWord(start, prevSize)
        memory.putWord(start + 8, size)
        return MmappedChunkScan.chunks(in: anonymous(start, bytes: mappingBytes), arenaStarts: [], arenaBytes: 1 << 20, memory: memory)
    }

    @Test("Headers whose sums pass 2^64 end the scan: no chunk, no trap")
    func overflowingHeaders() {
        let forged: [(UInt64, UInt64)] = [
            (UInt64.max - 0xFFF, 0x2002),             // prev_size + size overflows
            (0, 0xFFFF_FFFF_FFFF_F002),               // a whole number of pages: cursor + length overflows
            (0x800, 0xFFFF_FFFF_FFFF_F802),           // the same with a prev_size
            (0x3FF0_0000_0000_0000, 0x3FF0_0000_0000_0002),   // 1.0 as float64, IS_MMAPPED set
        ]
        for (prevSize, size) in forged {
            #expect(Self.scan(prevSize: prevSize, size: size).isEmpty)
        }
    }

    @Test("A real mmapped chunk header still counts; one past the mapping's end does not")
    func plausibleHeader() {
        #expect(Self.scan(prevSize: 0, size: 0x2000 | 2) == [Self.start..<(Self.start + 0x2000)])
        #expect(Self.scan(prevSize: 0, size: 0x2000 | 2, mappingBytes: 0x1000).isEmpty)
    }

    @Test("An arena at a mapping's start whose size runs past the top of the address space")
    func arenaPastTheTop() {
        let top = UInt64.max & ~0xFFF
        let chunks = MmappedChunkScan.chunks(in: Self.anonymous(top - 0x1000, bytes: 0x1000), arenaStarts: [top - 0x1000],
                                             arenaBytes: UInt64.max, memory: ImageMemory())
        #expect(chunks.isEmpty)
    }

    @Test("The totals saturate: the unexplained remainder of huge counters is 0, not a trap")
    func totalsSaturate() {
        var account = MemoryAccount()
        account.arenaBytes = .max
        account.glibcHeapBytes = .max
        account.writableAnonymousBytes = 1 << 40
        #expect(account.unexplainedBytes == 0)
    }

    @Test("The glibc heap walk of a range at the top of the address space is empty, not an overflow")
    func heapAtTheTop() throws {
        let heap = try GlibcHeap.walk(start: UInt64.max - 8, end: UInt64.max, memory: ImageMemory())
        #expect(heap.inUseChunks == 0)
        var memory = ImageMemory()
        memory.put(0x1000, [UInt8](repeating: 0, count: 0x2000))
        memory.putWord(0x1008, UInt64.max & ~0xF)   // a chunk of nearly 2^64 bytes
        #expect(throws: FragmentationError.self) { try GlibcHeap.walk(start: 0x1000, end: 0x3000, memory: memory) }
    }
}
