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
        let numbering = edgeStarts.withUnsafeBufferPointer { starts in
            edgeTargets.withUnsafeBufferPointer { targets in
                Self.depthFirstNumbering(n: n, starts: starts, targets: targets, roots: roots)
            }
        }
        let total = numbering.vertex.count - 1
        let predecessors = edgeStarts.withUnsafeBufferPointer { starts in
            edgeTargets.withUnsafeBufferPointer { targets in
                Self.predecessors(n: n, starts: starts, targets: targets, numbering: numbering)
            }
        }
        let idomByNumber = Self.dominatorsByNumber(total: total, parent: numbering.parent, predecessors: predecessors)
        var idom = [UInt32](repeating: Self.virtualRoot, count: n)
        numbering.vertex.withUnsafeBufferPointer { vertex in
            for w in stride(from: 1, through: total, by: 1) {
                let d = idomByNumber[w]
                idom[Int(vertex[w])] = d == 0 ? Self.virtualRoot : vertex[Int(d)]
            }
        }
        self.idom = idom
        preorder = Array(numbering.vertex.dropFirst())
        unreachableCount = numbering.unreachable
    }

    /// Preorder numbers (1...n; 0 is the virtual root) and DFS-tree parents.
    struct Numbering {
        var number: [UInt32]      // node → preorder number
        var vertex: [UInt32]      // preorder number → node (index 0 unused)
        var parent: [UInt32]      // by preorder number
        var rootNodes: [UInt32]   // the given roots, then the unreachable nodes made roots
        var unreachable: Int
    }

    private static func depthFirstNumbering(
        n: Int, starts: UnsafeBufferPointer<UInt32>, targets: UnsafeBufferPointer<UInt32>, roots: [UInt32]
    ) -> Numbering {
        var number = [UInt32](repeating: 0, count: n)   // 0: not visited yet
        var vertex = [UInt32](repeating: 0, count: n + 1)
        var parent = [UInt32](repeating: 0, count: n + 1)
        var rootNodes = roots.filter { Int($0) < n }
        let givenRoots = rootNodes.count
        var count: UInt32 = 0
        var stack = [(node: UInt32, next: UInt32)]()
        number.withUnsafeMutableBufferPointer { number in
            vertex.withUnsafeMutableBufferPointer { vertex in
                parent.withUnsafeMutableBufferPointer { parent in
                    // Start from each given root, then from each node still unvisited.
                    var startIndex = 0
                    var scan = 0
                    while true {
                        let start: UInt32
                        if startIndex < givenRoots {
                            start = rootNodes[startIndex]
                            startIndex += 1
                        } else {
                            while scan < n && number[scan] != 0 { scan += 1 }
                            if scan == n { break }
                            start = UInt32(scan)
                            rootNodes.append(start)
                        }
                        if number[Int(start)] != 0 { continue }
                        count += 1
                        number[Int(start)] = count
                        vertex[Int(count)] = start
                        parent[Int(count)] = 0
                        stack.append((start, starts[Int(start)]))
                        while !stack.isEmpty {
                            let top = stack.count - 1
                            let (node, next) = stack[top]
                            if next == starts[Int(node) + 1] {
                                stack.removeLast()
                                continue
                            }
                            stack[top].next = next + 1
                            let child = targets[Int(next)]
                            if number[Int(child)] == 0 {
                                count += 1
                                number[Int(child)] = count
                                vertex[Int(count)] = child
                                parent[Int(count)] = number[Int(node)]
                                stack.append((child, starts[Int(child)]))
                            }
                        }
                    }
                }
            }
        }
        let unreachable = rootNodes.count - roots.filter { Int($0) < n }.count
        return Numbering(number: number, vertex: vertex, parent: parent, rootNodes: rootNodes, unreachable: unreachable)
    }

    /// Predecessors by preorder number (CSR), the virtual root (0) among them
    /// for every root, even one an earlier root reaches.
    private static func predecessors(
        n: Int, starts: UnsafeBufferPointer<UInt32>, targets: UnsafeBufferPointer<UInt32>, numbering: Numbering
    ) -> (starts: [UInt32], sources: [UInt32]) {
        let number = numbering.number
        var predecessorStarts = [UInt32](repeating: 0, count: n + 2)
        var sources = [UInt32](repeating: 0, count: targets.count + numbering.rootNodes.count)
        number.withUnsafeBufferPointer { number in
            predecessorStarts.withUnsafeMutableBufferPointer { counts in
                for target in targets { counts[Int(number[Int(target)]) + 1] += 1 }
                for root in numbering.rootNodes { counts[Int(number[Int(root)]) + 1] += 1 }
                for i in 1..<counts.count { counts[i] += counts[i - 1] }
            }
            var fill = predecessorStarts
            fill.withUnsafeMutableBufferPointer { fill in
                sources.withUnsafeMutableBufferPointer { sources in
                    for root in numbering.rootNodes {
                        let to = Int(number[Int(root)])
                        sources[Int(fill[to])] = 0
                        fill[to] += 1
                    }
                    for v in 0..<n {
                        let from = number[v]
                        for e in Int(starts[v])..<Int(starts[v + 1]) {
                            let to = Int(number[Int(targets[e])])
                            sources[Int(fill[to])] = from
                            fill[to] += 1
                        }
                    }
                }
            }
        }
        return (predecessorStarts, sources)
    }

    /// Semidominators in reverse preorder with an iteratively compressed
    /// forest, then immediate dominators as the nearest common ancestor of
    /// parent and semidominator. All by preorder number.
    private static func dominatorsByNumber(
        total: Int, parent: [UInt32], predecessors: (starts: [UInt32], sources: [UInt32])
    ) -> [UInt32] {
        var semi = [UInt32](0...UInt32(total))
        var label = semi
        var ancestor = [UInt32](repeating: .max, count: total + 1)   // .max: not linked
        var idom = [UInt32](repeating: 0, count: total + 1)
        var path: [UInt32] = []
        semi.withUnsafeMutableBufferPointer { semi in
            label.withUnsafeMutableBufferPointer { label in
                ancestor.withUnsafeMutableBufferPointer { ancestor in
                    parent.withUnsafeBufferPointer { parent in
                        predecessors.starts.withUnsafeBufferPointer { starts in
                            predecessors.sources.withUnsafeBufferPointer { sources in
                                for w in stride(from: total, through: 1, by: -1) {
                                    var best = semi[w]
                                    for p in Int(starts[w])..<Int(starts[w + 1]) {
                                        let v = sources[p]
                                        var candidate = v
                                        if ancestor[Int(v)] != .max {
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
                                idom.withUnsafeMutableBufferPointer { idom in
                                    for w in stride(from: 1, through: total, by: 1) {
                                        var d = parent[w]
                                        while d > semi[w] { d = idom[Int(d)] }
                                        idom[w] = d
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return idom
    }
}
