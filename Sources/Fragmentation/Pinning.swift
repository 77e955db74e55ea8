public import PythonProcess

/// Arenas kept mapped by a few live blocks, and the objects in those blocks.
///
/// An arena returns to the OS only when its last block is freed, so a
/// nearly-empty arena costs its whole size for the few objects it holds.
public struct Pinning: Sendable {
    /// One allocated block in a pinned arena.
    public struct PinnedObject: Sendable {
        /// Address of the object (the block plus any GC header), as `id()` gives it.
        public var address: UInt64
        /// Type name (`tp_name`), or nil for a block that holds no object (a buffer).
        public var type: String?
        /// Block size in bytes.
        public var blockBytes: UInt64
        /// Index into ``ArenaMap/arenas``.
        public var arena: Int
    }

    /// Objects of one type that pin arenas.
    public struct Pinner: Sendable {
        public var type: String
        public var objects: Int
        public var bytes: UInt64
        /// Pinned arenas holding at least one of them.
        public var arenas: Int
        /// The first object's address.
        public var firstAddress: UInt64
    }

    /// Indices into ``ArenaMap/arenas`` of the pinned arenas.
    public var arenas: [Int]
    /// Resident bytes of the pinned arenas: what would return to the OS if their objects moved.
    public var bytes: UInt64
    public var objects: [PinnedObject]
    /// The used fraction at or under which an arena counts as pinned.
    public var threshold: Double

    /// Pinners grouped by type, most arenas first.
    public var pinners: [Pinner] {
        var byType: [String: (objects: Int, bytes: UInt64, arenas: Set<Int>, first: UInt64)] = [:]
        for object in objects {
            let name = object.type ?? "<non-object block>"
            var entry = byType[name] ?? (0, 0, [], object.address)
            entry.objects += 1
            entry.bytes += object.blockBytes
            entry.arenas.insert(object.arena)
            byType[name] = entry
        }
        return byType.map { Pinner(type: $0.key, objects: $0.value.objects, bytes: $0.value.bytes, arenas: $0.value.arenas.count, firstAddress: $0.value.first) }
            .sorted { ($0.arenas, $0.objects, $0.type) > ($1.arenas, $1.objects, $1.type) }
    }

    /// Finds arenas whose allocated bytes are at most `threshold` of the arena
    /// and names every block in them. Reads each used pool of those arenas
    /// (one pool-sized read each) and the type objects it points to.
    public static func analyze(_ map: ArenaMap, residency: ArenaResidency?, threshold: Double,
                               memory: any MemorySource, types: TypeNames?) -> Pinning {
        let layout = map.layout
        var pinned: [Int] = []
        var objects: [PinnedObject] = []
        var bytes: UInt64 = 0
        for (a, arena) in map.arenas.enumerated() {
            let used = arena.usedBytes
            guard used > 0, Double(used) <= threshold * Double(layout.arenaBytes) else { continue }
            pinned.append(a)
            bytes += residency?.arenaBytes[a] ?? layout.arenaBytes
            for (p, pool) in arena.pools.enumerated() where pool.state == .used {
                let address = arena.poolAddress(p, layout: layout)
                guard let copy = try? memory.bytes(at: address, count: Int(layout.poolBytes)),
                      let offsets = PoolBlocks.allocatedOffsets(pool: copy, poolAddress: address, poolBytes: layout.poolBytes) else { continue }
                let size = ObmallocLayout.blockBytes(sizeClass: UInt32(pool.sizeClass))
                for offset in offsets {
                    let start = Int(offset)
                    let found = types?.object(inBlock: copy[start..<min(copy.count, start + 48)], blockBytes: size)
                    objects.append(PinnedObject(address: address + offset + (found?.offset ?? 0), type: found?.type,
                                                blockBytes: size, arena: a))
                }
            }
        }
        return Pinning(arenas: pinned, bytes: bytes, objects: objects, threshold: threshold)
    }
}
