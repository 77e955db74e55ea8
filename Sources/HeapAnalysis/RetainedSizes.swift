public import HeapGraph
import ProcessModels

/// What each object keeps alive: the total size of the objects it dominates
/// (those that would be freed if it were), as Eclipse MAT defines retained size.
public struct RetainedSizes: Sendable {
    /// The dominator tree the sizes were computed on.
    public let tree: DominatorTree
    /// Retained size per object, in bytes (its own size included).
    public let retainedBytes: [UInt64]

    /// Computes dominators from `HeapRoots` and accumulates sizes up the tree.
    public init(_ graph: HeapGraph) {
        tree = DominatorTree(edgeStarts: graph.edgeStarts, edgeTargets: graph.edgeTargets, roots: HeapRoots.roots(of: graph))
        var retained = Array(graph.sizes)
        for v in tree.preorder.reversed() {
            let d = tree.idom[Int(v)]
            if d != DominatorTree.virtualRoot { retained[Int(d)] = retained[Int(d)].addingSaturated(retained[Int(v)]) }
        }
        retainedBytes = retained
    }

    /// The chain of immediate dominators above `object`, nearest first.
    public func dominators(of object: Int, limit: Int = 8) -> [Int] {
        var chain: [Int] = []
        var d = tree.idom[object]
        while d != DominatorTree.virtualRoot, chain.count < limit {
            chain.append(Int(d))
            d = tree.idom[Int(d)]
        }
        return chain
    }

    /// Retained size per type: the sum over objects of that type that no other
    /// object of the same type dominates (so nothing is counted twice).
    public func byType(_ graph: HeapGraph) -> [(type: String, count: Int, retained: UInt64)] {
        // Walk the dominator tree depth-first, counting open ancestors per type.
        var childStarts = [UInt32](repeating: 0, count: graph.count + 2)
        for v in 0..<graph.count {
            let d = tree.idom[v]
            childStarts[(d == DominatorTree.virtualRoot ? graph.count : Int(d)) + 1] += 1
        }
        for i in 1..<childStarts.count { childStarts[i] += childStarts[i - 1] }
        var children = [UInt32](repeating: 0, count: graph.count)
        var fill = childStarts
        for v in tree.preorder {
            let d = tree.idom[Int(v)]
            let parent = d == DominatorTree.virtualRoot ? graph.count : Int(d)
            children[Int(fill[parent])] = v
            fill[parent] += 1
        }
        var open = [Int](repeating: 0, count: graph.typeNames.count)
        var retained = [UInt64](repeating: 0, count: graph.typeNames.count)
        var counts = [Int](repeating: 0, count: graph.typeNames.count)
        var stack: [(node: Int, next: UInt32)] = [(graph.count, childStarts[graph.count])]
        while let top = stack.last {
            if top.next == childStarts[top.node + 1] {
                stack.removeLast()
                if top.node < graph.count { open[Int(graph.typeIDs[top.node])] -= 1 }
                continue
            }
            stack[stack.count - 1].next += 1
            let child = Int(children[Int(top.next)])
            let type = Int(graph.typeIDs[child])
            counts[type] += 1
            if open[type] == 0 { retained[type] = retained[type].addingSaturated(retainedBytes[child]) }
            open[type] += 1
            stack.append((child, childStarts[child]))
        }
        return graph.typeNames.indices.filter { counts[$0] > 0 }
            .map { (graph.typeNames[$0], counts[$0], retained[$0]) }
            .sorted { ($0.retained, $1.type) > ($1.retained, $0.type) }
    }
}

extension RetainedSizes {
    /// Indices of the `count` objects with the largest retained size, largest
    /// first (ties: lowest index first). O(n · count).
    public func largest(_ count: Int) -> [Int] {
        var best: [Int] = []
        var floor: UInt64 = 0
        for (i, retained) in retainedBytes.enumerated() where best.count < count || retained > floor {
            let position = best.firstIndex { retainedBytes[$0] < retained } ?? best.count
            best.insert(i, at: position)
            if best.count > count { best.removeLast() }
            floor = best.count == count ? retainedBytes[best[best.count - 1]] : 0
        }
        return best
    }
}
