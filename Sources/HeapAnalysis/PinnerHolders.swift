public import HeapGraph

/// Where the objects pinning arenas are held, from a snapshot of the same
/// process: the pinned objects are found in it by address (objects do not
/// move in CPython) and grouped by the object holding them, with the path
/// from a root to that holder.
public struct PinnerHolders: Sendable {
    /// Pinned objects of one type with one holder.
    public struct Row: Sendable, Encodable {
        public var type: String
        public var objects: Int
        /// Arenas (or, from a snapshot alone, arena-sized windows) those objects are in.
        public var arenas: Int
        /// The holder's address, `0x…` (nil when the objects are roots themselves).
        public var holder: String?
        /// Steps from a root to the holder, e.g. `module __main__`, `['keep']`, `list 0x…`;
        /// a first step in parentheses when the root is held from outside the heap.
        public var path: [String]
    }

    /// The snapshot file.
    public var file: String
    /// How the text names it: `snapshot FILE` unless set.
    public var source: String
    /// Pinned objects (those with a type) in the snapshot.
    public var found: Int
    /// Pinned objects not in it: allocated after it was taken, or never in a snapshot (buffers, internals).
    public var missing: Int
    /// Found, but no root reaches them (garbage not yet collected when the snapshot was taken).
    public var unreachable: Int
    /// The snapshot's process id, when it differs from the analysed one.
    public var otherPid: Int?
    /// The group pinning the most arenas first.
    public var rows: [Row]

    /// Finds the `pinned` objects (address and arena index, from a live
    /// process's arenas) in `graph` (loaded from `file`) of process `pid`.
    public init(pinned: [(address: UInt64, arena: Int)], graph: HeapGraph, file: String, pid: Int32) {
        let lookup = AddressLookup(graph)
        var indices: [Int] = []
        var arenaOf: [Int: Int] = [:]
        var missing = 0
        for object in pinned {
            if let index = lookup.index(of: object.address) {
                indices.append(index)
                arenaOf[index] = object.arena
            } else {
                missing += 1
            }
        }
        self.init(indices, missing: missing, graph: graph, file: file) { arenaOf[$0] ?? -1 }
        otherPid = graph.metadata.pid.flatMap { $0 == Int(pid) ? nil : $0 }
    }

    /// Groups the objects `indices` of `graph` (loaded from `file`) by holder;
    /// `missing` more were looked for and not found. `arena` names the arena of
    /// an object: rows that pin the most arenas come first.
    public init(_ indices: [Int], missing: Int, graph: HeapGraph, file: String, arena: (Int) -> Int) {
        let holders = Holders(graph, objects: indices)
        let labels = EdgeLabels(graph)
        let named = Set(graph.roots.map { Int($0.object) })
        var rows: [Row] = []
        for group in holders.groups {
            var byType: [String: (objects: Int, arenas: Set<Int>)] = [:]
            for object in group.objects {
                byType[graph.typeName(of: object), default: (0, [])].objects += 1
                byType[graph.typeName(of: object)]?.arenas.insert(arena(object))
            }
            let holder = group.holderPath.last.map { EdgeLabels.hex(graph.addresses[$0]) }
            var path = labels.steps(group.holderPath)
            if let root = group.holderPath.first, !named.contains(root) {
                path.insert("(held outside the heap: a running frame or C code)", at: 0)
            }
            for (type, entry) in byType {
                rows.append(Row(type: type, objects: entry.objects, arenas: entry.arenas.count, holder: holder, path: path))
            }
        }
        rows.sort { ($0.arenas, $0.objects, $1.type) > ($1.arenas, $1.objects, $0.type) }
        self.file = file
        source = "snapshot \(file)"
        found = indices.count
        self.missing = missing
        unreachable = holders.unreachable.count
        otherPid = nil
        self.rows = rows
    }
}
