/// Immediate dominators of a directed graph in CSR form, from a virtual root
/// whose children are `roots`, by the semi-NCA algorithm (Georgiadis 2005):
/// iterative depth-first search, semidominators with path compression, then
/// nearest common ancestors. No recursion, so ten million nodes are fine.
/// Memory: about 28 bytes per node plus 4 per edge (the reverse edges).
///
/// Nodes the roots cannot reach are made roots themselves (in index order),
/// so every node has an immediate dominator.
public struct DominatorTree: Sendable {
    /// `idom[v]`: the immediate dominator of node `v`, or `DominatorTree.virtualRoot`.
    public let idom: [UInt32]
    /// Nodes in depth-first preorder from the virtual root (a node's
    /// dominators all come before it).
    public let preorder: [UInt32]
    /// Nodes that were not reachable from `roots` (made roots).
    public let unreachableCount: Int

    /// The immediate dominator value meaning "only the virtual root dominates this node".
    public static let virtualRoot = UInt32.max

    /// Computes dominators for nodes `0..<edgeStarts.count - 1`, where node `v`'s
    /// successors are `edgeTargets[edgeStarts[v]..<edgeStarts[v + 1]]`.
    public init(edgeStarts: [UInt32], edgeTargets: [UInt32], roots: [UInt32]) {
        let n = edgeStarts.count - 1
        // Preorder numbers: 0 is the virtual root, nodes get 1...n.
        var number = [UInt32](repeating: 0, count: n)       // 0: not visited yet
        var vertex = [UInt32](repeating: 0, count: n + 1)   // preorder number → node (index 0 unused)
        var parent = [UInt32](repeating: 0, count: n + 1)   // by preorder number
        var count: UInt32 = 0
        var unreachable = 0
        var rootNodes = roots.filter { Int($0) < n }
        var stack: [(node: UInt32, next: UInt32)] = []
        func visit(from start: UInt32, parentNumber: UInt32) {
            count += 1
            number[Int(start)] = count
            vertex[Int(count)] = start
            parent[Int(count)] = parentNumber
            stack.append((start, edgeStarts[Int(start)]))
            while let top = stack.last {
                let end = edgeStarts[Int(top.node) + 1]
                if top.next == end {
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let child = edgeTargets[Int(top.next)]
                if number[Int(child)] == 0 {
                    count += 1
                    number[Int(child)] = count
                    vertex[Int(count)] = child
                    parent[Int(count)] = number[Int(top.node)]
                    stack.append((child, edgeStarts[Int(child)]))
                }
            }
        }
        for root in rootNodes where number[Int(root)] == 0 { visit(from: root, parentNumber: 0) }
        let reachable = count
        for v in 0..<UInt32(n) where number[Int(v)] == 0 {
            rootNodes.append(v)
            visit(from: v, parentNumber: 0)
        }
        unreachable = Int(count - reachable)

        // Predecessors by preorder number (CSR), the virtual root (0) among
        // them for every root, even one an earlier root reaches.
        var predecessorStarts = [UInt32](repeating: 0, count: n + 2)
        for target in edgeTargets { predecessorStarts[Int(number[Int(target)]) + 1] += 1 }
        for root in rootNodes { predecessorStarts[Int(number[Int(root)]) + 1] += 1 }
        for i in 1..<predecessorStarts.count { predecessorStarts[i] += predecessorStarts[i - 1] }
        var predecessors = [UInt32](repeating: 0, count: edgeTargets.count + rootNodes.count)
        var fill = predecessorStarts
        for root in rootNodes {
            let to = Int(number[Int(root)])
            predecessors[Int(fill[to])] = 0
            fill[to] += 1
        }
        for v in 0..<n {
            let from = number[v]
            for e in Int(edgeStarts[v])..<Int(edgeStarts[v + 1]) {
                let to = Int(number[Int(edgeTargets[e])])
                predecessors[Int(fill[to])] = from
                fill[to] += 1
            }
        }
        fill = []
        number = []

        // Semidominators, in reverse preorder, with an iteratively compressed forest.
        let total = Int(count)
        var semi = [UInt32](0...UInt32(total))
        var label = semi
        var ancestor = [UInt32](repeating: .max, count: total + 1)   // .max: not linked
        var path: [UInt32] = []
        for w in stride(from: total, through: 1, by: -1) {
            var best = semi[w]
            for p in Int(predecessorStarts[w])..<Int(predecessorStarts[w + 1]) {
                let v = predecessors[p]
                let candidate: UInt32
                if ancestor[Int(v)] == .max {
                    candidate = v
                } else {
                    // compress(v): collect the path to the last node whose ancestor is linked.
                    var x = v
                    while ancestor[Int(ancestor[Int(x)])] != .max {
                        path.append(x)
                        x = ancestor[Int(x)]
                    }
                    while let y = path.popLast() {
                        let a = ancestor[Int(y)]
                        if label[Int(a)] < label[Int(y)] { label[Int(y)] = label[Int(a)] }
                        ancestor[Int(y)] = ancestor[Int(a)]
                    }
                    candidate = label[Int(v)]
                }
                if candidate < best { best = candidate }
            }
            semi[w] = best
            label[w] = best
            ancestor[w] = parent[w]
        }
        predecessors = []

        // Immediate dominators: the nearest common ancestor of parent and semidominator.
        var idomByNumber = [UInt32](repeating: 0, count: total + 1)
        for w in 1...max(total, 1) where total > 0 {
            var d = parent[w]
            while d > semi[w] { d = idomByNumber[Int(d)] }
            idomByNumber[w] = d
        }
        var idom = [UInt32](repeating: Self.virtualRoot, count: n)
        for w in 1...max(total, 1) where total > 0 {
            let d = idomByNumber[w]
            idom[Int(vertex[w])] = d == 0 ? Self.virtualRoot : vertex[Int(d)]
        }
        self.idom = idom
        preorder = Array(vertex.dropFirst())
        unreachableCount = unreachable
    }
}
