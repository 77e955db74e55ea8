import Fragmentation

/// Whether some bytes are obmalloc's arena table as CPython 3.8–3.11 keeps
/// it (`Objects/obmalloc.c`: `new_arena`, `pymalloc_alloc`, `pymalloc_free`):
/// what lets a search tell the real `arenas`/`maxarenas` from look-alikes.
///
/// A used entry (`address` ≠ 0) is an arena as `new_arena` carved it: it
/// loses one pool when its base is not pool-aligned (`ntotalpools`),
/// `pool_address` is a pool boundary within it, `nfreepools` counts the
/// uncarved pools plus those on `freepools` (so `freepools` is NULL exactly
/// when no carved pool is empty). Used arenas do not overlap. An unused entry
/// (`address` = 0) is on the `unused_arena_objects` list: its `nextarena` is
/// NULL or another unused entry of the same table, and exactly one unused
/// entry ends the list. `nextarena`/`prevarena` of used entries are not
/// checked: a full arena keeps stale links, into an older copy of the table
/// after it grew.
///
/// Entries are checked as they are read (``add(_:at:)``), so a wrong
/// `maxarenas` (a large stray value, or zeros past the table: two list ends)
/// fails within a chunk instead of reading megabytes.
struct ArenaTableCheck {
    let base: UInt64
    let count: Int
    let layout: ObmallocLayout
    private var used: [UInt64] = []
    private var unused = Set<Int>()
    private var links: [(from: Int, to: Int)] = []
    private var listEnds = 0
    private var pointedAt = Set<Int>()
    /// Entries checked so far.
    private(set) var checked = 0

    init(base: UInt64, count: Int, layout: ObmallocLayout) {
        self.base = base
        self.count = count
        self.layout = layout
    }

    /// Nil when the `count` entries in `table` (read at `base`) are consistent,
    /// else what is not. Never traps: every value is bounded first.
    static func inconsistency(table: [UInt8], base: UInt64, count: Int, layout: ObmallocLayout) -> String? {
        guard count > 0, table.count >= count * Int(ObmallocLayout.arenaObjectBytes) else { return "\(table.count) bytes for " +
            "\(count) entries" }
        var check = ArenaTableCheck(base: base, count: count, layout: layout)
        return check.add(table, at: 0) ?? check.finish()
    }

    /// Checks the entries in `bytes`, the first being entry `first`; what is
    /// wrong with them on their own (the list's links are checked by ``finish()``).
    mutating func add(_ bytes: [UInt8], at first: Int) -> String? {
        let size = Int(ObmallocLayout.arenaObjectBytes)
        let mask = layout.poolBytes - 1
        for offset in stride(from: 0, to: bytes.count - size + 1, by: size) {
            let index = first + offset / size
            guard index < count else { break }
            checked += 1
            let address = bytes.loadWord(at: offset + ObmallocLayout.arenaAddress)
            guard address != 0 else {
                unused.insert(index)
                let next = bytes.loadWord(at: offset + ObmallocLayout.arenaNext)
                if next == 0 {
                    listEnds += 1
                    if listEnds > 1 { return "\(listEnds) ends of the free entry list" }
                    continue
                }
                guard next >= base, (next - base) % UInt64(size) == 0, (next - base) / UInt64(size) < UInt64(count) else {
                    return "unused entry \(index) links outside the table"
                }
                let target = Int((next - base) / UInt64(size))
                guard target != index, pointedAt.insert(target).inserted else { return "unused entry \(index) links to entry " +
                    "\(target) twice" }
                links.append((index, target))
                continue
            }
            guard address < ArenaWalk.addressLimit else { return "entry \(index) at 0x\(String(address, radix: 16))" }
            let totalPools = UInt64(bytes.loadUInt32(at: offset + ObmallocLayout.arenaTotalPools))
            let freePools = UInt64(bytes.loadUInt32(at: offset + ObmallocLayout.arenaFreePools))
            let poolAddress = bytes.loadWord(at: offset + ObmallocLayout.arenaPoolAddress)
            let freeList = bytes.loadWord(at: offset + ObmallocLayout.arenaFreePoolList)
            let firstPool = (address + mask) & ~mask
            guard totalPools == layout.poolsPerArena - (address & mask == 0 ? 0 : 1) else {
                return "entry \(index): \(totalPools) pools in an arena at 0x\(String(address, radix: 16))"
            }
            guard poolAddress & mask == 0, poolAddress >= firstPool, poolAddress <= firstPool + totalPools * layout.poolBytes else {
                return "entry \(index): pool_address outside its arena"
            }
            let uncarved = totalPools - (poolAddress - firstPool) / layout.poolBytes
            guard freePools >= uncarved, freePools <= totalPools, (freePools > uncarved) == (freeList != 0) else {
                return "entry \(index): \(freePools) free pools, \(uncarved) uncarved, free list \(freeList == 0 ? "empty" : "not empty")"
            }
            guard freeList == 0 || (freeList & mask == 0 && freeList >= firstPool && freeList < poolAddress) else {
                return "entry \(index): free pool list outside its carved pools"
            }
            used.append(address)
        }
        return nil
    }

    /// What is wrong with the whole table once every entry was added, or nil.
    mutating func finish() -> String? {
        guard checked == count else { return "\(checked) of \(count) entries read" }
        for link in links where !unused.contains(link.to) {
            return "unused entry \(link.from) links to entry \(link.to), not a free one"
        }
        guard !used.isEmpty else { return "no arena in use" }
        guard unused.isEmpty ? listEnds == 0 : listEnds == 1 else { return "\(listEnds) ends of the free entry list" }
        used.sort()
        for i in used.indices.dropFirst() where used[i] - used[i - 1] < layout.arenaBytes {
            return "arenas at 0x\(String(used[i - 1], radix: 16)) and 0x\(String(used[i], radix: 16)) overlap"
        }
        return nil
    }
}
