import HeapGraph

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
        let retained = sizes.retainedBytes
        var chosen: [Int] = []
        func consider(_ v: Int) { Self.insert(v, into: &chosen, by: retained, count: top) }
        if let root {
            var inside = [Bool](repeating: false, count: idom.count)
            for v in sizes.tree.preorder.lazy.map(Int.init) {
                let d = idom[v]
                if v == root || (d != DominatorTree.virtualRoot && inside[Int(d)]) {
                    inside[v] = true
                    consider(v)
                }
            }
        } else {
            for v in 0..<idom.count { consider(v) }
        }
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

    /// The `count` items of `candidates` with the largest `values`, largest first (ties: first seen first).
    public static func largest(_ candidates: some Sequence<Int>, by values: [UInt64], count: Int) -> [Int] {
        var chosen: [Int] = []
        for v in candidates { insert(v, into: &chosen, by: values, count: count) }
        return chosen
    }

    private static func insert(_ v: Int, into chosen: inout [Int], by values: [UInt64], count: Int) {
        if chosen.count == count, let last = chosen.last, values[last] >= values[v] { return }
        let position = chosen.firstIndex { values[$0] < values[v] } ?? chosen.count
        chosen.insert(v, at: position)
        if chosen.count > count { chosen.removeLast() }
    }
}
