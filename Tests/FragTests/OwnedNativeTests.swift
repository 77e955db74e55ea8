@testable import Fragmentation
@testable import PythonProcess
import Testing

/// The memory account's attribution of malloc's chunks and regions to the objects that
/// own them: each counted once, forged regions refused, a region the scan missed added.
@Suite struct OwnedNativeTests {
    static let mapping: Range<UInt64> = 0x7F00_0000_0000..<0x7F00_0100_0000  // 16 MiB, scanned
    static let heapStart: UInt64 = 0x5500_0000_0000

    /// An account of one scanned 16 MiB mapping (none of it placed by the scan) and a
    /// main heap of three chunks in use: 0x1000, 0x20000 and 0x400 bytes.
    static func account() -> (MemoryAccount, GlibcHeap) {
        var account = MemoryAccount()
        account.writableAnonymousBytes = UInt64(mapping.count) + 0x30000
        account.glibcHeapBytes = 0x30000
        account.scannedMappings = [mapping]
        var heap = GlibcHeap(start: heapStart, end: heapStart + 0x30000)
        heap.inUseStarts = [heapStart, heapStart + 0x1000, heapStart + 0x21000]
        heap.inUseSizes = [0x1000, 0x20000, 0x400]
        return (account, heap)
    }

    @Test("A chunk two objects point into counts once, for the first; a pointer into no chunk is unplaced")
    func chunksOnce() {
        var (account, heap) = Self.account()
        let owners = NativeOwners(typeNames: ["numpy.ndarray", "bytearray"], claims: [
            .init(address: Self.heapStart + 0x1010, type: 0), .init(address: Self.heapStart + 0x1800, type: 1),
            .init(address: Self.heapStart + 0x21010, type: 1), .init(address: 0x1234, type: 1),
        ])
        account.attribute(owners, heap: heap, arenas: [], pages: nil)
        #expect(account.owned.heapBytes == 0x20400)
        #expect(account.owned.rows == [.init(type: "numpy.ndarray", bytes: 0x20000, blocks: 1),
                                       .init(type: "bytearray", bytes: 0x400, blocks: 1)])
        #expect(account.owned.unplacedClaims == 1)
        #expect(account.otherNativeBytes == 0x30000 - 0x20400)
    }

    @Test("An mmapped region the scan missed is added once; forged regions (past the mapping, over an arena, overlapping) are not")
    func regions() {
        var (account, heap) = Self.account()
        let start = Self.mapping.lowerBound
        let good = (start + 0x200000)..<(start + 0x600000)
        let owners = NativeOwners(typeNames: ["numpy.ndarray"], claims: [
            .init(address: good.lowerBound + 16, type: 0, mmappedRegion: good),
            .init(address: good.lowerBound + 32, type: 0, mmappedRegion: good),  // a view's pointer: the same region
            .init(address: start + 0x400010, type: 0, mmappedRegion: (start + 0x400000)..<(start + 0x800000)),  // overlaps it
            .init(address: start + 0xF00010, type: 0, mmappedRegion: (start + 0xF00000)..<(start + 0x1100000)),  // past the end
            .init(address: start + 0x10, type: 0, mmappedRegion: start..<(start + 0x100000)),  // over an arena
            .init(address: UInt64.max - 8, type: 0, mmappedRegion: (UInt64.max - 0xFFF)..<UInt64.max),
        ])
        let before = account.unexplainedBytes
        account.attribute(owners, heap: heap, arenas: [(start + 0x80000)..<(start + 0x180000)], pages: nil)
        #expect(account.mmappedChunks == 1)
        #expect(account.mmappedChunkBytes == 0x400000)
        #expect(account.owned.mmappedBytes == 0x400000)
        #expect(account.owned.rows == [.init(type: "numpy.ndarray", bytes: 0x400000, blocks: 1)])
        #expect(account.unexplainedBytes == before - 0x400000)
    }

    @Test("USS splits into objects, slack, the interpreter and libraries, and the rest")
    func ussParts() {
        var account = MemoryAccount()
        (account.ussBytes, account.librariesBytes, account.stackBytes) = (1000, 300, 20)
        (account.arenaUsedBytes, account.arenaFreeInPoolsBytes, account.glibcHeapBytes, account.glibcFreeBytes) = (400, 30, 200, 50)
        account.owned.heapBytes = 100
        #expect(account.objectBytes == 500)
        #expect(account.slackBytes == 80)
        #expect(account.otherNativeBytes == 50)
        #expect(account.interpreterBytes == 370)
        #expect(account.ussUnexplainedBytes == 50)
        #expect(account.ussOvercountBytes == 0)
        account.ussBytes = 900
        #expect(account.ussUnexplainedBytes == 0)
        #expect(account.ussOvercountBytes == 50)
    }

    @Test("mmapped chunk headers of glibc 2.36 (size to the mapping's end) and 2.43 (16 bytes short of it); forged ones refused")
    func mmappedHeaders() {
        #expect(MmappedChunk.span(prevSize: 0, field: 0x31000 | 2) == 0x31000)
        #expect(MmappedChunk.span(prevSize: 0, field: 0x30ff0 | 2) == 0x31000)
        #expect(MmappedChunk.span(prevSize: 0x10, field: 0x30ff0 | 2) == 0x30ff0)
        let forged: [(UInt64, UInt64)] = [(0, 0x31000), (0x1000, 0x31002), (0, 0x30fe2), (0, 2), (0, UInt64.max),
                                          (0x3FF0_0000_0000_0000, 0x3FF0_0000_0000_0002)]
        for (prevSize, field) in forged {
            #expect(MmappedChunk.span(prevSize: prevSize, field: field) == nil)
        }
        var memory = ImageMemory()
        memory.putWord(Self.mapping.lowerBound, 0)
        memory.putWord(Self.mapping.lowerBound + 8, 0x1ff0 | 2)
        let chunks = MmappedChunkScan.chunks(in: ForgedHeaderTests.anonymous(Self.mapping.lowerBound, bytes: 0x2000), arenaStarts: [],
                                             arenaBytes: 1 << 20, memory: memory)
        #expect(chunks == [Self.mapping.lowerBound..<(Self.mapping.lowerBound + 0x2000)])
    }
}
