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

        /// One block, named by the reader of the pinned pools.
        public init(address: UInt64, type: String?, blockBytes: UInt64, arena: Int) {
            self.address = address
            self.type = type
            self.blockBytes = blockBytes
            self.arena = arena
        }
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
    /// Σ block bytes of the objects (and buffers) in the pinned arenas.
    public var blockBytes: UInt64 { objects.reduce(0) { $0 + $1.blockBytes } }

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
        return byType.map {
            Pinner(type: $0.key, objects: $0.value.objects, bytes: $0.value.bytes, arenas: $0.value.arenas.count,
                   firstAddress: $0.value.first)
        }
            .sorted { ($0.arenas, $0.objects, $0.type) > ($1.arenas, $1.objects, $1.type) }
    }

    /// Whether `arena` counts as pinned: some block in use, at most `threshold` of it used.
    public static func isPinned(_ arena: Arena, layout: ObmallocLayout, threshold: Double) -> Bool {
        let used = arena.usedBytes
        return used > 0 && Double(used) <= threshold * Double(layout.arenaBytes)
    }

    /// The pinned arenas of `map`, their resident bytes and the `objects` read in them.
    public init(map: ArenaMap, objects: [PinnedObject], residency: ArenaResidency?, threshold: Double) {
        let layout = map.layout
        arenas = map.arenas.indices.filter { Self.isPinned(map.arenas[$0], layout: layout, threshold: threshold) }
        bytes = arenas.reduce(0) { $0 + (residency?.arenaBytes[$1] ?? layout.arenaBytes) }
        self.objects = objects
        self.threshold = threshold
    }
}

extension Pinning {
    /// The pinned blocks that hold an object: address and arena index, to look up in a snapshot.
    public var typedObjects: [(address: UInt64, arena: Int)] {
        objects.compactMap { $0.type == nil ? nil : ($0.address, $0.arena) }
    }
}
