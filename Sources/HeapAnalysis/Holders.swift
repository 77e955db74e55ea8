public import HeapGraph

/// Where chosen objects are held: each one's shortest path from a root,
/// grouped by the object directly holding it, so that 2,000 strings in one
/// list read as one line ("held by list 0x… ← module __main__ ['keep']")
/// rather than 2,000 paths.
public struct Holders: Sendable {
    /// Objects held by the same holder, reached by the same path.
    public struct Group: Sendable {
        /// Snapshot indices from a root to the holder, root first; empty when the objects are roots themselves.
        public var holderPath: [Int]
        /// The held objects (snapshot indices).
        public var objects: [Int]
    }

    /// Largest group first.
    public var groups: [Group]
    /// Objects in the snapshot that no root reaches (garbage waiting for a collection).
    public var unreachable: [Int]

    /// Groups `objects` (snapshot indices) of `graph` by holder.
    public init(_ graph: HeapGraph, objects: [Int]) {
        let finder = PathFinder(graph, targets: Set(objects))
        var byHolder: [Int: Group] = [:]
        var unreachable: [Int] = []
        for object in objects {
            guard let path = finder.path(to: object) else { unreachable.append(object); continue }
            let holder = path.count >= 2 ? path[path.count - 2] : -1
            if byHolder[holder] == nil { byHolder[holder] = Group(holderPath: Array(path.dropLast()), objects: []) }
            byHolder[holder]?.objects.append(object)
        }
        groups = byHolder.values.sorted { ($0.objects.count, $1.holderPath.count) > ($1.objects.count, $0.holderPath.count) }
        self.unreachable = unreachable
    }
}
