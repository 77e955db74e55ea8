public import HeapGraph

/// The `top` objects with the largest retained size, optionally only those
/// `root` dominates (itself included), each linked to the nearest of them
/// that dominates it: a small tree to draw.
public struct TopDominators: Sendable {
    /// Snapshot indices, largest retained size first.
    public let objects: [Int]
    /// Object → the nearest object in `objects` that dominates it (absent for the tree's tops).
    public let parent: [Int: Int]

    /// Chooses from `sizes` (computed on the same graph).
    public init(_ sizes: RetainedSizes, top: Int, under root: Int? = nil) {
        let idom = sizes.tree.idom
        var candidates: [Int]
        if let root {
            var inside = [Bool](repeating: false, count: idom.count)
            candidates = []
            for v in sizes.tree.preorder.lazy.map(Int.init) {
                let d = idom[v]
                if v == root || (d != DominatorTree.virtualRoot && inside[Int(d)]) {
                    inside[v] = true
                    candidates.append(v)
                }
            }
        } else {
            candidates = Array(0..<idom.count)
        }
        let retained = sizes.retainedBytes
        candidates.sort { (retained[$0], $1) > (retained[$1], $0) }
        let chosen = Array(candidates.prefix(top))
        let isChosen = Set(chosen)
        var parent: [Int: Int] = [:]
        for v in chosen where v != root {
            var d = idom[v]
            while d != DominatorTree.virtualRoot, !isChosen.contains(Int(d)) { d = idom[Int(d)] }
            if d != DominatorTree.virtualRoot { parent[v] = Int(d) }
        }
        objects = chosen
        self.parent = parent
    }
}
