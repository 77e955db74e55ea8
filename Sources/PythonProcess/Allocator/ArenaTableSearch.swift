public import Fragmentation

/// Finds obmalloc's `arenas` and `maxarenas` in an interpreter without
/// symbols for them (3.8–3.11 keep them file-static, in `.symtab` only, which
/// `strip` removes), from what they must hold; no address is assumed.
///
/// 1. Objects the collector tracks (``CollectorSample``) give pools: a block's
///    pool header (`address & ~(POOL_SIZE-1)`) must be one (size class, count,
///    offsets), and names its `arenaindex`.
/// 2. Every word of the image's writable data that could be `arenas` (a
///    16-aligned pointer into readable memory other than that data) is tried: entry `arenaindex`
///    must be the arena holding the first pool, then the other pools' entries
///    theirs (at least two distinct pools, and half of all).
/// 3. `maxarenas` is a 4-byte value of that data, 16 × 2^k, above every
///    confirmed index, for which the whole table passes ``ArenaTableCheck``;
///    the largest such wins (a smaller one would cut off arenas or free-list links).
///
/// Two different tables passing is an error, not a guess.
public struct ArenaTableSearch {
    public var layout: ObmallocLayout
    public var memory: any MemorySource
    /// The image's writable data (``PythonImage/writableData``).
    public var dataRegions: [Range<UInt64>]
    /// Memory the table may be in (readable mappings, or a copy's regions), sorted.
    public var readable: [Range<UInt64>]

    public init(layout: ObmallocLayout, memory: any MemorySource, dataRegions: [Range<UInt64>], readable: [Range<UInt64>]) {
        self.layout = layout
        self.memory = memory
        self.dataRegions = dataRegions
        self.readable = readable.sorted { $0.lowerBound < $1.lowerBound }
    }

    /// A pool whose header checked out, and the arena index it names.
    struct SamplePool: Equatable {
        var address: UInt64
        var arenaIndex: Int
    }

    /// The table, from `blocks` (addresses of allocated blocks, e.g. `PyGC_Head`s).
    public func find(blocks: [UInt64]) throws(FragmentationError) -> ArenaWalk.TableAddresses {
        let pools = samplePools(blocks)
        guard Set(pools.map(\.address)).count >= 2 else {
            throw .tableNotFound("\(pools.count) pymalloc pools among \(blocks.count) tracked objects sampled; two are needed")
        }
        let words = readData()
        var pointers: [UInt64: [UInt64]] = [:]  // candidate `arenas` value → where it is stored
        for (start, bytes) in words {
            var at = 0
            while at + 8 <= bytes.count {
                let value = bytes.loadWord(at: at)
                // The table is allocated (PyMem_RawRealloc), never in the image's own data.
                if value != 0, value & 15 == 0, value < ArenaWalk.addressLimit, !dataRegions.contains(where: { $0.contains(value) }),
                   range(holding: value) != nil {
                    pointers[value, default: []].append(start + UInt64(at))
                }
                at += 8
            }
        }
        let counts = storedCounts(in: words)
        var found: [(table: UInt64, maxArenas: UInt64)] = []
        for anchor in pools.prefix(8) {
            let survivors = holders(of: anchor, among: Array(pointers.keys))
            for table in survivors {
                let confirmed = pools.filter { holds(table: table, $0) }
                guard Set(confirmed.map(\.address)).count >= 2, confirmed.count * 2 >= pools.count,
                      let count = maxArenas(table: table, above: confirmed.map(\.arenaIndex).max() ?? 0, among: counts)
                else { continue }
                found.append((table, count))
            }
            if !found.isEmpty { break }
        }
        guard let best = found.first else {
            throw .tableNotFound("no pointer in \(words.reduce(0) { $0 + $1.bytes.count }) bytes of writable data is a consistent table " +
                "for \(pools.count) sampled pools")
        }
        guard found.count == 1 else {
            throw .tableNotFound("\(found.count) candidate tables (at " + found.map { "0x" + String($0.table,
                radix: 16) }.joined(separator: ", ") + ")")
        }
        // Any stored copy of either value reads the same now; take the nearest pair (both are obmalloc.c statics).
        let maxLocations = locations(ofUInt32: UInt32(best.maxArenas), in: words)
        var pair = (pointer: UInt64(0), count: UInt64(0), distance: UInt64.max)
        for p in pointers[best.table] ?? [] {
            for m in maxLocations {
                let distance = p > m ? p - m : m - p
                if distance < pair.distance { pair = (p, m, distance) }
            }
        }
        return ArenaWalk.TableAddresses(arenasPointer: pair.pointer, maxArenas: pair.count, currentCount: nil, origin: .search)
    }

    /// The distinct pools of `blocks` whose headers are plausible pymalloc pool headers.
    func samplePools(_ blocks: [UInt64]) -> [SamplePool] {
        let mask = layout.poolBytes - 1
        var seen = Set<UInt64>()
        var chosen: [(pool: UInt64, block: UInt64)] = []
        for block in blocks where block < ArenaWalk.addressLimit && seen.insert(block & ~mask).inserted {
            chosen.append((block & ~mask, block))
            if chosen.count == 256 { break }
        }
        let headerBytes = Int(ObmallocLayout.poolHeaderBytes)
        let (headers, unreadable) = memory.gather(chosen.map(\.pool), count: headerBytes)
        var result: [SamplePool] = []
        for (i, (pool, block)) in chosen.enumerated() where !unreadable.contains(i) {
            let at = i * headerBytes
            let count = UInt64(headers.loadUInt32(at: at + ObmallocLayout.poolCount))
            let sizeClass = headers.loadUInt32(at: at + ObmallocLayout.poolSizeClass)
            let next = UInt64(headers.loadUInt32(at: at + ObmallocLayout.poolNextOffset))
            let maxNext = UInt64(headers.loadUInt32(at: at + ObmallocLayout.poolMaxNextOffset))
            let arenaIndex = headers.loadUInt32(at: at + ObmallocLayout.poolArenaIndex)
            guard sizeClass < 32, arenaIndex < 1 << 24 else { continue }
            let blockBytes = ObmallocLayout.blockBytes(sizeClass: sizeClass)
            let header = ObmallocLayout.poolHeaderBytes
            guard count >= 1, count <= layout.blocksPerPool(sizeClass: sizeClass), maxNext == layout.poolBytes - blockBytes,
                  next >= header, next <= maxNext + blockBytes, (next - header) % blockBytes == 0,
                  block >= pool + header, block < pool + next else { continue }
            // 3.11 puts two words (managed dict, values) before the PyGC_Head of some objects.
            let offset = block - pool - header
            guard offset % blockBytes == 0 || (offset >= 16 && (offset - 16) % blockBytes == 0) else { continue }
            result.append(SamplePool(address: pool, arenaIndex: Int(arenaIndex)))
        }
        return result
    }

    /// The bytes of the writable data, page by page (a page that cannot be read is zeros).
    func readData() -> [(start: UInt64, bytes: [UInt8])] {
        dataRegions.compactMap { region in
            let start = region.lowerBound & ~7, end = region.upperBound
            guard end > start, end - start < 1 << 30 else { return nil }
            var pages: [UInt64] = []
            var page = start & ~4095
            while page < end { pages.append(page); page += 4096 }
            let (bytes, _) = memory.gather(pages, count: 4096)
            let skip = Int(start - pages[0])
            return (start, Array(bytes[skip..<min(bytes.count, skip + Int(end - start))]))
        }
    }

    /// The readable range holding `address`, if any.
    func range(holding address: UInt64) -> Range<UInt64>? {
        var low = 0, high = readable.count
        while low < high {
            let mid = (low + high) / 2
            if readable[mid].lowerBound <= address { low = mid + 1 } else { high = mid }
        }
        return low > 0 && readable[low - 1].contains(address) ? readable[low - 1] : nil
    }

    /// Where entry `index` of a table at `table` is, if the table could reach it in readable memory.
    func entryAddress(table: UInt64, index: Int) -> UInt64? {
        let (offset, overflow) = UInt64(index).multipliedReportingOverflow(by: ObmallocLayout.arenaObjectBytes)
        guard !overflow, let range = range(holding: table), offset < range.upperBound - table,
              range.upperBound - table - offset >= ObmallocLayout.arenaObjectBytes else { return nil }
        return table + offset
    }

    /// Whether `bytes` (an arena object's first 16) describe the arena that holds `pool`, carved.
    func arenaHolds(_ bytes: [UInt8], at: Int, pool: UInt64) -> Bool {
        let address = bytes.loadWord(at: at), poolAddress = bytes.loadWord(at: at + 8)
        guard address != 0, address < ArenaWalk.addressLimit, address <= pool else { return false }
        let first = (address + layout.poolBytes - 1) & ~(layout.poolBytes - 1)
        return pool - address < layout.arenaBytes && pool >= first && pool < poolAddress
    }

    /// The candidate tables among `tables` whose entry for `anchor` holds its pool (read in one gather).
    func holders(of anchor: SamplePool, among tables: [UInt64]) -> [UInt64] {
        let reachable = tables.compactMap { t in entryAddress(table: t, index: anchor.arenaIndex).map { (t, $0) } }
        let (bytes, unreadable) = memory.gather(reachable.map(\.1), count: 16)
        return reachable.indices.filter { !unreadable.contains($0) && arenaHolds(bytes, at: $0 * 16, pool: anchor.address) }
            .map { reachable[$0].0 }.sorted()
    }

    /// Whether the table at `table` says `pool`'s arena holds it.
    func holds(table: UInt64, _ pool: SamplePool) -> Bool {
        guard let entry = entryAddress(table: table, index: pool.arenaIndex),
              let bytes = try? memory.bytes(at: entry, count: 16) else { return false }
        return arenaHolds(bytes, at: 0, pool: pool.address)
    }

    /// The 4-byte values of the data that `maxarenas` could be: 16 × 2^k, below 2^24, largest first.
    func storedCounts(in words: [(start: UInt64, bytes: [UInt8])]) -> [UInt64] {
        var values = Set<UInt64>()
        for (_, bytes) in words {
            var at = 0
            while at + 4 <= bytes.count {
                let value = UInt64(bytes.loadUInt32(at: at))
                if value < 1 << 24, value % ObmallocLayout.initialArenaObjects == 0,
                   (value / ObmallocLayout.initialArenaObjects).nonzeroBitCount == 1 { values.insert(value) }
                at += 4
            }
        }
        return values.sorted(by: >)
    }

    /// The largest of `counts` above `index` for which the table at `table` is consistent.
    func maxArenas(table: UInt64, above index: Int, among counts: [UInt64]) -> UInt64? {
        let chunk = 1024  // entries per read: a wrong count fails within the first chunks
        counts: for count in counts where count > UInt64(index) {
            guard entryAddress(table: table, index: Int(count) - 1) != nil else { continue }
            var check = ArenaTableCheck(base: table, count: Int(count), layout: layout)
            for first in stride(from: 0, to: Int(count), by: chunk) {
                let entries = min(chunk, Int(count) - first)
                let at = table + UInt64(first) * ObmallocLayout.arenaObjectBytes
                guard let bytes = try? memory.bytes(at: at, count: entries * Int(ObmallocLayout.arenaObjectBytes)),
                      check.add(bytes, at: first) == nil else { continue counts }
            }
            if check.finish() == nil { return count }
        }
        return nil
    }

    /// Addresses of the 4-byte values equal to `value` in the data.
    func locations(ofUInt32 value: UInt32, in words: [(start: UInt64, bytes: [UInt8])]) -> [UInt64] {
        var result: [UInt64] = []
        for (start, bytes) in words {
            var at = 0
            while at + 4 <= bytes.count {
                if bytes.loadUInt32(at: at) == value { result.append(start + UInt64(at)) }
                at += 4
            }
        }
        return result
    }
}
