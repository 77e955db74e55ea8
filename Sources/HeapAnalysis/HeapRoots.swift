public import HeapGraph

/// The objects a heap is held from, as DESIGN.md defines them: `sys.modules`,
/// modules, thread frames, and every object whose reference count exceeds the
/// references the snapshot can see to it (held by C code or a running frame).
public enum HeapRoots {
    /// Root object indices of `graph`, without duplicates, named roots first.
    public static func roots(of graph: HeapGraph) -> [UInt32] {
        var inDegree = [UInt32](repeating: 0, count: graph.count)
        for target in graph.edgeTargets { inDegree[Int(target)] &+= 1 }
        var isRoot = [Bool](repeating: false, count: graph.count)
        var roots: [UInt32] = []
        for root in graph.roots where !isRoot[Int(root.object)] {
            isRoot[Int(root.object)] = true
            roots.append(root.object)
        }
        for i in 0..<graph.count where !isRoot[i] {
            // Snapshots without refcounts (meliae) root what nothing refers to.
            let externallyHeld = graph.refcounts[i] > inDegree[i] || (graph.refcounts[i] == 0 && inDegree[i] == 0)
            if externallyHeld {
                isRoot[i] = true
                roots.append(UInt32(i))
            }
        }
        return roots
    }

    /// `roots(of:)`, then each object no root reaches, taken in index order
    /// as `DominatorTree` takes them (each one skipping what an earlier one
    /// reaches): the complete set of starting points retained sizes are computed from.
    public static func startNodes(of graph: HeapGraph) -> (roots: [UInt32], unreachable: [UInt32]) {
        let roots = roots(of: graph)
        var seen = [Bool](repeating: false, count: graph.count)
        var stack: [UInt32] = []
        func visit(_ start: UInt32) {
            seen[Int(start)] = true
            stack.append(start)
            while let v = stack.popLast() {
                for w in graph.referents(of: Int(v)) where !seen[Int(w)] {
                    seen[Int(w)] = true
                    stack.append(w)
                }
            }
        }
        for root in roots where !seen[Int(root)] { visit(root) }
        var unreachable: [UInt32] = []
        for i in 0..<graph.count where !seen[i] {
            unreachable.append(UInt32(i))
            visit(UInt32(i))
        }
        return (roots, unreachable)
    }
}
