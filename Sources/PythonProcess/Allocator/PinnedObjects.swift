public import Fragmentation

extension Pinning {
    /// Names every allocated block in the arenas at most `threshold` used.
    /// Reads each used pool of those arenas (one pool-sized read each) and the
    /// type objects the blocks point to: do it with the target stopped.
    public static func readObjects(_ map: ArenaMap, threshold: Double, memory: any MemorySource, types: TypeNames?) -> [PinnedObject] {
        let layout = map.layout
        var objects: [PinnedObject] = []
        for (a, arena) in map.arenas.enumerated() where isPinned(arena, layout: layout, threshold: threshold) {
            for (p, pool) in arena.pools.enumerated() where pool.state == .used {
                let address = arena.poolAddress(p, layout: layout)
                guard let copy = try? memory.bytes(at: address, count: Int(layout.poolBytes)),
                      let offsets = PoolBlocks.allocatedOffsets(pool: copy, poolAddress: address, poolBytes: layout.poolBytes)
                else { continue }
                let size = ObmallocLayout.blockBytes(sizeClass: UInt32(pool.sizeClass))
                for offset in offsets {
                    let start = Int(offset)
                    let found = types?.object(inBlock: copy[start..<min(copy.count, start + 48)], blockBytes: size)
                    objects.append(PinnedObject(address: address + offset + (found?.offset ?? 0), type: found?.type,
                                                blockBytes: size, arena: a))
                }
            }
        }
        return objects
    }
}
