public import ProcFS

/// Resident bytes of each arena and each of its pools.
public struct ArenaResidency: Sendable {
    /// Per arena (indexed like ``ArenaMap/arenas``), the whole arena.
    public var arenaBytes: [UInt64]
    /// Per arena, per pool.
    public var poolBytes: [[UInt32]]

    /// Reads the residency of every arena in `map` (one pagemap read per arena).
    public static func read(_ map: ArenaMap, pages: PageMap) -> ArenaResidency {
        let layout = map.layout
        var arenaBytes: [UInt64] = []
        var poolBytes: [[UInt32]] = []
        for arena in map.arenas {
            let flags = pages.resident(from: arena.address & ~(pages.pageBytes - 1), to: arena.address + layout.arenaBytes)
            let base = arena.address & ~(pages.pageBytes - 1)
            arenaBytes.append(UInt64(flags.reduce(0) { $0 + ($1 ? 1 : 0) }) * pages.pageBytes)
            var pools: [UInt32] = []
            pools.reserveCapacity(arena.pools.count)
            for p in arena.pools.indices {
                let first = Int((arena.poolAddress(p, layout: layout) - base) / pages.pageBytes)
                let count = Int(layout.poolBytes / pages.pageBytes)
                let end = min(flags.count, first + count)
                let resident = first < end ? flags[first..<end].reduce(0) { $0 + ($1 ? 1 : 0) } : 0
                pools.append(UInt32(UInt64(resident) * pages.pageBytes))
            }
            poolBytes.append(pools)
        }
        return ArenaResidency(arenaBytes: arenaBytes, poolBytes: poolBytes)
    }
}
