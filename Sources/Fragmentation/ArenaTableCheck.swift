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
enum ArenaTableCheck {
    /// Nil when the `count` entries in `table` (read at `base`) are consistent,
    /// else what is not. Never traps: every value is bounded first.
    static func inconsistency(table: [UInt8], base: UInt64, count: Int, layout: ObmallocLayout) -> String? {
        let size = Int(ObmallocLayout.arenaObjectBytes)
        guard count > 0, table.count >= count * size else { return "\(table.count) bytes for \(count) entries" }
        let mask = layout.poolBytes - 1
        var used: [UInt64] = []
        var unused = 0, listEnds = 0
        var pointedAt = Set<Int>()
        for index in 0..<count {
            let at = index * size
            let address = table.loadWord(at: at + ObmallocLayout.arenaAddress)
            guard address != 0 else {
                unused += 1
                let next = table.loadWord(at: at + ObmallocLayout.arenaNext)
                if next == 0 { listEnds += 1; continue }
                guard next >= base, (next - base) % UInt64(size) == 0, (next - base) / UInt64(size) < UInt64(count) else {
                    return "unused entry \(index) links outside the table"
                }
                let target = Int((next - base) / UInt64(size))
                guard target != index, table.loadWord(at: target * size) == 0, pointedAt.insert(target).inserted else {
                    return "unused entry \(index) links to entry \(target), not a free one"
                }
                continue
            }
            guard address < ArenaWalk.addressLimit else { return "entry \(index) at 0x\(String(address, radix: 16))" }
            let totalPools = UInt64(table.loadUInt32(at: at + ObmallocLayout.arenaTotalPools))
            let freePools = UInt64(table.loadUInt32(at: at + ObmallocLayout.arenaFreePools))
            let poolAddress = table.loadWord(at: at + ObmallocLayout.arenaPoolAddress)
            let freeList = table.loadWord(at: at + ObmallocLayout.arenaFreePoolList)
            let first = (address + mask) & ~mask
            guard totalPools == layout.poolsPerArena - (address & mask == 0 ? 0 : 1) else {
                return "entry \(index): \(totalPools) pools in an arena at 0x\(String(address, radix: 16))"
            }
            guard poolAddress & mask == 0, poolAddress >= first, poolAddress <= first + totalPools * layout.poolBytes else {
                return "entry \(index): pool_address outside its arena"
            }
            let uncarved = totalPools - (poolAddress - first) / layout.poolBytes
            guard freePools >= uncarved, freePools <= totalPools, (freePools > uncarved) == (freeList != 0) else {
                return "entry \(index): \(freePools) free pools, \(uncarved) uncarved, free list \(freeList == 0 ? "empty" : "not empty")"
            }
            guard freeList == 0 || (freeList & mask == 0 && freeList >= first && freeList < poolAddress) else {
                return "entry \(index): free pool list outside its carved pools"
            }
            used.append(address)
        }
        guard !used.isEmpty else { return "no arena in use" }
        guard unused == 0 ? listEnds == 0 : listEnds == 1 else { return "\(listEnds) ends of the free entry list" }
        used.sort()
        for i in used.indices.dropFirst() where used[i] - used[i - 1] < layout.arenaBytes {
            return "arenas at 0x\(String(used[i - 1], radix: 16)) and 0x\(String(used[i], radix: 16)) overlap"
        }
        return nil
    }
}
