@testable import PythonProcess
import SystemPackage
import Testing
import Fragmentation

/// Memory made of a few byte segments, for walks over known layouts.
struct ImageMemory: MemorySource {
    var segments: [(address: UInt64, bytes: [UInt8])] = []

    mutating func put(_ address: UInt64, _ bytes: [UInt8]) { segments.append((address, bytes)) }
    mutating func putWord(_ address: UInt64, _ value: UInt64) { put(address, withUnsafeBytes(of: value.littleEndian) { Array($0) }) }
    mutating func putUInt32(_ address: UInt64, _ value: UInt32) { put(address, withUnsafeBytes(of: value.littleEndian) { Array($0) }) }

    func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
        var covered = 0
        for segment in segments {
            let start = max(address, segment.address), end = min(address + UInt64(buffer.count),
                segment.address + UInt64(segment.bytes.count))
            guard start < end else { continue }
            for a in start..<end { buffer[Int(a - address)] = segment.bytes[Int(a - segment.address)] }
            covered += Int(end - start)
        }
        guard covered >= buffer.count else { throw .unreadable(pid: 0, address: address, errno: .badAddress) }
    }

}

@Suite struct ArenaWalkTests {
    /// GIVEN a 3.11 table with two arenas (one unused slot between), WHEN walked,
    /// THEN pools are used/empty/untouched as their headers and pool_address say.
    @Test func walksTableAndPools() throws {
        let layout = try #require(ObmallocLayout.forVersion(major: 3, minor: 11))
        var memory = ImageMemory()
        let arenasVar: UInt64 = 0x1000, maxVar: UInt64 = 0x1008, table: UInt64 = 0x2000
        memory.putWord(arenasVar, table)
        memory.putUInt32(maxVar, 3)
        memory.put(table, [UInt8](repeating: 0, count: 3 * 48))
        // Arena 0: pool-aligned base, 3 pools carved (used 5 × 32 B, empty, used 1 × 512 B).
        let a0: UInt64 = 0x1000_0000
        memory.putWord(table, a0)
        memory.putWord(table + 8, a0 + 3 * layout.poolBytes)
        memory.putUInt32(table + 20, 64)
        for (i, (count, szidx)) in [(UInt32(5), UInt32(1)), (0, 7), (1, 31)].enumerated() {
            let header = a0 + UInt64(i) * layout.poolBytes
            memory.put(header, [UInt8](repeating: 0, count: 48))
            memory.putUInt32(header, count)
            memory.putUInt32(header + 36, szidx)
        }
        // Arena 2: unaligned base loses a pool; nothing carved yet.
        let a2: UInt64 = 0x2000_0100
        memory.putWord(table + 96, a2)
        memory.putWord(table + 96 + 8, 0x2000_4000)
        memory.putUInt32(table + 96 + 20, 63)

        let walk = ArenaWalk(layout: layout, memory: memory)
        let map = try walk.read(.init(arenasPointer: arenasVar, maxArenas: maxVar, currentCount: nil))
        #expect(map.arenas.map(\.index) == [0, 2])
        #expect(map.arenas[0].pools.prefix(3).map(\.state) == [.used, .empty, .used])
        #expect(map.arenas[0].pools.count == 64)
        #expect(map.arenas[0].usedBytes == 5 * 32 + 512)
        #expect(map.arenas[1].firstPool == 0x2000_4000)
        #expect(map.arenas[1].pools.allSatisfy { $0.state == .untouched })
        #expect(map.usedBytes == 672)
    }

    /// An arena table at 0x100 (`arenas` at 0x10, `maxarenas` 1 at 0x18) with one arena object.
    static func oneArenaTable(address: UInt64, poolAddress: UInt64, totalPools: UInt32) -> ImageMemory {
        var memory = ImageMemory()
        memory.putWord(0x10, 0x100)
        memory.putUInt32(0x18, 1)
        memory.put(0x100, [UInt8](repeating: 0, count: 48))
        memory.putWord(0x100, address)
        memory.putWord(0x108, poolAddress)
        memory.putUInt32(0x100 + 20, totalPools)
        return memory
    }

    /// A `maxarenas` the target made up (16 M entries, 768 MiB of table) costs only
    /// what is really there: the table is read a chunk at a time, and an arena past
    /// the first chunk is still found.
    @Test func tableIsReadInBoundedChunks() throws {
        let layout = try #require(ObmallocLayout.forVersion(major: 3, minor: 11))
        final class Largest: MemorySource, @unchecked Sendable {
            let inner: ImageMemory
            var largest = 0
            init(_ inner: ImageMemory) { self.inner = inner }
            func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
                largest = max(largest, buffer.count)
                try inner.read(at: address, into: buffer)
            }
        }
        var memory = Self.oneArenaTable(address: 0x40_0000, poolAddress: 0x40_0000, totalPools: 64)
        memory.putUInt32(0x18, (1 << 24) - 1)
        let lying = Largest(memory)
        #expect(throws: ProcessAccessError.self) {
            try ArenaWalk(layout: layout, memory: lying).read(.init(arenasPointer: 0x10, maxArenas: 0x18, currentCount: nil))
        }
        #expect(lying.largest <= ArenaWalk.tableChunkEntries * 48)

        var long = ImageMemory()
        let entries = ArenaWalk.tableChunkEntries + 10, late = ArenaWalk.tableChunkEntries + 3
        long.putWord(0x10, 0x100)
        long.putUInt32(0x18, UInt32(entries))
        long.put(0x100, [UInt8](repeating: 0, count: entries * 48))
        long.putWord(0x100 + UInt64(late * 48), 0x40_0000)
        long.putWord(0x100 + UInt64(late * 48) + 8, 0x40_0000)
        long.putUInt32(0x100 + UInt64(late * 48) + 20, 64)
        let map = try ArenaWalk(layout: layout, memory: long).read(.init(arenasPointer: 0x10, maxArenas: 0x18, currentCount: nil))
        #expect(map.arenas.map(\.index) == [late])
    }

    /// A pool header whose count exceeds what its size class fits is reported, not believed.
    @Test func rejectsImpossibleHeader() throws {
        let layout = try #require(ObmallocLayout.forVersion(major: 3, minor: 9))
        var memory = Self.oneArenaTable(address: 0x40_0000, poolAddress: 0x40_0000 + layout.poolBytes, totalPools: 64)
        memory.put(0x40_0000, [UInt8](repeating: 0, count: 48))
        memory.putUInt32(0x40_0000, 500)      // 500 blocks of 512 B cannot fit in 4 KiB
        memory.putUInt32(0x40_0000 + 36, 31)
        #expect(throws: FragmentationError.self) {
            try ArenaWalk(layout: layout, memory: memory).read(.init(arenasPointer: 0x10, maxArenas: 0x18, currentCount: nil))
        }
    }

    /// Corrupt memory (a damaged core, a table read mid-change) is an error, never
    /// an arithmetic trap: an arena near the top of the address space, a malloc
    /// chunk claiming an enormous size, a free list pointing past the carved blocks.
    @Test func corruptValuesAreErrorsNotTraps() throws {
        let layout = try #require(ObmallocLayout.forVersion(major: 3, minor: 11))
        let memory = Self.oneArenaTable(address: UInt64.max - 100, poolAddress: UInt64.max - 50, totalPools: 4)
        #expect(throws: FragmentationError.self) {
            try ArenaWalk(layout: layout, memory: memory).read(.init(arenasPointer: 0x10, maxArenas: 0x18, currentCount: nil))
        }

        var heap = ImageMemory()
        heap.put(0x10000, [UInt8](repeating: 0, count: 64))
        heap.putWord(0x10008, UInt64.max & ~15)  // chunk size
        #expect(throws: FragmentationError.self) { try GlibcHeap.walk(start: 0x10000, end: 0x10040, memory: heap) }

        // A 48-byte-block pool (size class 2) whose nextoffset is not header + k × 48,
        // with a free link to the block just past the carved ones.
        var pool = [UInt8](repeating: 0, count: Int(layout.poolBytes))
        let base: UInt64 = 0x40_0000
        func put32(_ value: UInt32, _ at: Int) { withUnsafeBytes(of: value.littleEndian) { pool.replaceSubrange(at..<at + 4, with: $0) } }
        func put64(_ value: UInt64, _ at: Int) { withUnsafeBytes(of: value.littleEndian) { pool.replaceSubrange(at..<at + 8, with: $0) } }
        put32(1, 0)
        put32(2, 36)
        put32(48 + 2 * 48 + 20, 40)
        put64(base + 48 + 2 * 48, 8)
        #expect(PoolBlocks.allocatedOffsets(pool: pool, poolAddress: base, poolBytes: layout.poolBytes) == nil)
    }
}
