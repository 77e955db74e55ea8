@testable import PythonProcess
import Testing
import Fragmentation

/// The search for a stripped 3.8–3.11's `arenas`/`maxarenas` over forged
/// memory: the real table is found, and look-alikes that are right in all but
/// one respect are rejected, never taken.
@Suite struct ArenaTableSearchTests {
    static let layout = ObmallocLayout.forVersion(major: 3, minor: 11)!
    /// The writable data searched, the real table, and where arenas start.
    static let data: UInt64 = 0x1000, table: UInt64 = 0x5000_0000, arenaBase: UInt64 = 0x7000_0000
    static let entries = 32, usedArenas = 5

    /// A forged process: `maxarenas` = 32 with arenas 0–4 in use (3 pools carved
    /// each), 5–31 on the free entry list; zeros after the table (where a
    /// `maxarenas` of 64 would read); one used pool in arenas 0 and 3, the other carved pools empty.
    struct Forged {
        var memory = ImageMemory()
        var words: [UInt8] = [UInt8](repeating: 0, count: 512)
        var readable: [Range<UInt64>] = []

        init() {
            let layout = ArenaTableSearchTests.layout
            let table = ArenaTableSearchTests.tableBytes(at: ArenaTableSearchTests.table)
            memory.put(ArenaTableSearchTests.table, table + [UInt8](repeating: 0, count: table.count))
            readable.append(ArenaTableSearchTests.table..<ArenaTableSearchTests.table + UInt64(2 * table.count))
            for arena in 0..<ArenaTableSearchTests.usedArenas {  // carved pools, empty unless set below
                for pool in 0..<3 {
                    let address = ArenaTableSearchTests.arenaBase + UInt64(arena) * layout.arenaBytes + UInt64(pool) * layout.poolBytes
                    memory.put(address, [UInt8](repeating: 0, count: 48))
                }
            }
            for arena in [0, 3] {
                let pool = ArenaTableSearchTests.arenaBase + UInt64(arena) * layout.arenaBytes
                var header = [UInt8](repeating: 0, count: 48)
                Self.store(1, at: 0, in: &header)                                    // ref.count
                Self.store(UInt32(arena), at: 32, in: &header)                       // arenaindex
                Self.store(1, at: 36, in: &header)                                   // szidx: 32-byte blocks
                Self.store(48 + 2 * 32, at: 40, in: &header)                         // nextoffset
                Self.store(UInt32(layout.poolBytes) - 32, at: 44, in: &header)       // maxnextoffset
                memory.put(pool, header)
                readable.append(pool..<pool + layout.arenaBytes)
            }
            readable.append(ArenaTableSearchTests.data..<ArenaTableSearchTests.data + 512)
        }

        static func store(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
        }

        mutating func word(_ offset: Int, _ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { words.replaceSubrange(offset..<offset + 8, with: $0) }
        }

        mutating func uint32(_ offset: Int, _ value: UInt32) { Self.store(value, at: offset, in: &words) }

        /// Another table at `address`, from `bytes`, readable.
        mutating func addTable(_ address: UInt64, _ bytes: [UInt8]) {
            memory.put(address, bytes)
            readable.append(address..<address + UInt64(bytes.count))
        }

        func find() throws -> ArenaWalk.TableAddresses {
            var memory = self.memory
            memory.put(ArenaTableSearchTests.data, words)
            let search = ArenaTableSearch(layout: ArenaTableSearchTests.layout, memory: memory,
                                          dataRegions: [ArenaTableSearchTests.data..<ArenaTableSearchTests.data + 512], readable: readable)
            let blocks = [0, 3].map { ArenaTableSearchTests.arenaBase + UInt64($0) * ArenaTableSearchTests.layout.arenaBytes + 48 }
            return try search.find(blocks: blocks)
        }
    }

    /// The 32 arena objects of the forged table, as they would be at `base`.
    static func tableBytes(at base: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: entries * 48)
        func put(_ value: UInt64, _ at: Int) { withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at..<at + 8, with: $0) } }
        func put32(_ value: UInt32, _ at: Int) { withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at..<at + 4, with: $0) } }
        for i in 0..<entries {
            let at = i * 48
            if i < usedArenas {
                let address = arenaBase + UInt64(i) * layout.arenaBytes
                put(address, at)
                put(address + 3 * layout.poolBytes, at + 8)       // pool_address: 3 pools carved
                put32(UInt32(layout.poolsPerArena - 3), at + 16)  // nfreepools: the uncarved ones
                put32(UInt32(layout.poolsPerArena), at + 20)      // ntotalpools (pool-aligned base)
            } else if i + 1 < entries {
                put(base + UInt64(i + 1) * 48, at + 32)           // nextarena: the next free entry
            }
        }
        return bytes
    }

    /// GIVEN the real pointer and maxarenas among decoys (`usable_arenas`
    /// pointing into the table, 16 and 64 stored nearby), WHEN searched,
    /// THEN the real ones are found and the walk reads the 5 arenas.
    @Test func findsTheTable() throws {
        var forged = Forged()
        forged.word(0x40, Self.table)
        forged.uint32(0x48, 32)
        forged.word(0x50, Self.table + 48)  // usable_arenas = &arenas[1]
        forged.uint32(0x60, 16)
        forged.uint32(0x64, 64)
        let found = try forged.find()
        #expect(found.arenasPointer == Self.data + 0x40)
        #expect(found.maxArenas == Self.data + 0x48)
        #expect(found.origin == .search)
        var memory = forged.memory
        memory.put(Self.data, forged.words)
        let map = try ArenaWalk(layout: Self.layout, memory: memory).read(found)
        #expect(map.arenas.map(\.index) == [0, 1, 2, 3, 4])
    }

    /// A maxarenas one step too small cuts the free entry list (entry 15 links to 16);
    /// one too large reads zeros past the table (many list ends): neither passes.
    @Test func rejectsNearMissCounts() throws {
        var forged = Forged()
        forged.word(0x40, Self.table)
        forged.uint32(0x48, 16)
        forged.uint32(0x4C, 64)
        #expect(throws: FragmentationError.self) { try forged.find() }
    }

    /// Tables right for the first sampled pool but wrong elsewhere: the second
    /// pool's arena elsewhere; one used arena with a pool too many; a free
    /// entry linking to a used one; two arenas overlapping. Each alone is
    /// rejected; beside the real table, the real one is found.
    @Test(arguments: 0..<4)
    func rejectsNearMissTables(flaw: Int) throws {
        let decoy: UInt64 = 0x6000_0000
        var bytes = Self.tableBytes(at: decoy)
        func put(_ value: UInt64, _ at: Int) { withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(at..<at + 8, with: $0) } }
        switch flaw {
        case 0: put(Self.arenaBase + 9 * Self.layout.arenaBytes, 3 * 48)                  // arena 3 is elsewhere
            put(Self.arenaBase + 9 * Self.layout.arenaBytes + 3 * Self.layout.poolBytes, 3 * 48 + 8)
        case 1: bytes[2 * 48 + 20] &+= 1                                                  // ntotalpools 65
        case 2: put(decoy + 48, 10 * 48 + 32)                                             // free entry 10 → used entry 1
        default: put(Self.arenaBase + Self.layout.arenaBytes / 2, 4 * 48)                 // arena 4 overlaps arena 0
            put(Self.arenaBase + Self.layout.arenaBytes / 2 + 3 * Self.layout.poolBytes, 4 * 48 + 8)
            bytes[4 * 48 + 20] = UInt8(Self.layout.poolsPerArena)
        }
        // The flaw itself is what the check names (flaw 0 is a consistent table, for other arenas).
        let reason = ArenaTableCheck.inconsistency(table: bytes, base: decoy, count: Self.entries, layout: Self.layout)
        #expect(flaw == 0 ? reason == nil : reason?.contains(["", "pools in an arena", "not a free one", "overlap"][flaw]) == true,
                "\(reason ?? "consistent")")
        #expect(ArenaTableCheck.inconsistency(table: Self.tableBytes(at: decoy), base: decoy, count: Self.entries,
            layout: Self.layout) == nil)
        var forged = Forged()
        forged.addTable(decoy, bytes + [UInt8](repeating: 0, count: bytes.count))
        forged.word(0x80, decoy)
        forged.uint32(0x88, 32)
        #expect(throws: FragmentationError.self) { try forged.find() }
        forged.word(0x40, Self.table)
        #expect(try forged.find().arenasPointer == Self.data + 0x40)
    }

    /// Memory that reads as zeros where the forged image has nothing, counting bytes read.
    final class ZeroFilled: MemorySource {
        let image: ImageMemory
        var bytesRead = 0
        init(_ image: ImageMemory) { self.image = image }
        func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
            bytesRead += buffer.count
            do { try image.read(at: address, into: buffer) } catch {
                for i in buffer.indices { buffer[i] = 0 }
                for segment in image.segments {  // what the image has, over the zeros
                    let start = max(address, segment.address), end = min(address + UInt64(buffer.count),
                        segment.address + UInt64(segment.bytes.count))
                    guard start < end else { continue }
                    for a in start..<end { buffer[Int(a - address)] = segment.bytes[Int(a - segment.address)] }
                }
            }
        }
    }

    /// A stray 16 × 2^16 in the data, over 64 MiB of readable zeros after the
    /// table: rejected after one chunk (the zeros end the free list twice),
    /// not after reading 48 MiB; the real 32 is found.
    @Test func largeStrayCountIsRejectedEarly() throws {
        var forged = Forged()
        forged.word(0x40, Self.table)
        forged.uint32(0x48, 32)
        forged.uint32(0x4C, 16 << 16)
        var image = forged.memory
        image.put(Self.data, forged.words)
        let memory = ZeroFilled(image)
        let readable = forged.readable.filter { $0.lowerBound != Self.table } + [Self.table..<Self.table + (64 << 20)]
        let search = ArenaTableSearch(layout: Self.layout, memory: memory, dataRegions: [Self.data..<Self.data + 512], readable: readable)
        let blocks = [0, 3].map { Self.arenaBase + UInt64($0) * Self.layout.arenaBytes + 48 }
        #expect(try search.find(blocks: blocks).maxArenas == Self.data + 0x48)
        #expect(memory.bytesRead < 1 << 20, "\(memory.bytesRead) bytes read")
    }

    /// Two tables that both pass are reported, not guessed between.
    @Test func twoConsistentTablesAreAnError() throws {
        var forged = Forged()
        forged.addTable(0x6000_0000, Self.tableBytes(at: 0x6000_0000) + [UInt8](repeating: 0, count: Self.entries * 48))
        forged.word(0x40, Self.table)
        forged.word(0x80, 0x6000_0000)
        forged.uint32(0x48, 32)
        #expect(throws: FragmentationError.self) { try forged.find() }
    }

    /// Blocks whose "pool headers" are not pool headers give no pools, so no search.
    @Test func noPoolsNoSearch() throws {
        let search = ArenaTableSearch(layout: Self.layout, memory: ImageMemory(), dataRegions: [], readable: [])
        #expect(throws: FragmentationError.self) { try search.find(blocks: [0x7000_0030, 0x7010_0030]) }
    }
}
