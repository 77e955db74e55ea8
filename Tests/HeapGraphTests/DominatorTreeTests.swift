import HeapAnalysis
import Testing

@Suite("Dominator tree")
struct DominatorTreeTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Dominator sets by the textbook dataflow fixpoint, O(n²) per pass:
    /// dom(root) = {root}; dom(v) = {v} ∪ ⋂ dom(p) over predecessors p.
    /// Node n is the virtual root; unreachable nodes are rooted as the tree does.
    func quadraticIdoms(n: Int, edges: [[Int]], roots: [Int]) -> [Int] {
        var edges = edges + [[]]
        // Root unreachable nodes in index order, the same rule as DominatorTree.
        var reached = Set<Int>()
        func reach(_ start: Int) {
            var stack = [start]
            reached.insert(start)
            while let v = stack.popLast() {
                for t in edges[v] where reached.insert(t).inserted { stack.append(t) }
            }
        }
        var allRoots = roots
        for r in roots where !reached.contains(r) { reach(r) }
        for v in 0..<n where !reached.contains(v) {
            allRoots.append(v)
            reach(v)
        }
        edges[n] = allRoots
        var predecessors = [[Int]](repeating: [], count: n + 1)
        for (v, targets) in edges.enumerated() { for t in targets { predecessors[t].append(v) } }
        let everything = Set(0...n)
        var dom = [Set<Int>](repeating: everything, count: n + 1)
        dom[n] = [n]
        var changed = true
        while changed {
            changed = false
            for v in 0..<n {
                var meet = everything
                for p in predecessors[v] { meet.formIntersection(dom[p]) }
                meet.insert(v)
                if meet != dom[v] {
                    dom[v] = meet
                    changed = true
                }
            }
        }
        // The immediate dominator is the strict dominator dominated by all others.
        return (0..<n).map { v in
            let strict = dom[v].subtracting([v])
            return strict.first { d in strict.allSatisfy { dom[d].contains($0) } } ?? n
        }
    }

    @Test("Semi-NCA equals the dataflow definition on 3,000 random graphs")
    func randomGraphs() {
        var random = SplitMix(state: 0x5EED)
        for round in 0..<3000 {
            let n = Int.random(in: 1...24, using: &random)
            let density = Double.random(in: 0.02...0.3, using: &random)
            var edges = [[Int]](repeating: [], count: n)
            for v in 0..<n {
                for t in 0..<n where Double.random(in: 0..<1, using: &random) < density { edges[v].append(t) }
                if Bool.random(using: &random), let t = edges[v].first { edges[v].append(t) }  // parallel edges
            }
            let roots = (0..<n).filter { _ in Double.random(in: 0..<1, using: &random) < 0.15 }
            var starts: [UInt32] = [0]
            var targets: [UInt32] = []
            for list in edges {
                targets += list.map(UInt32.init)
                starts.append(UInt32(targets.count))
            }
            let tree = DominatorTree(edgeStarts: starts, edgeTargets: targets, roots: roots.map(UInt32.init))
            let expected = quadraticIdoms(n: n, edges: edges, roots: roots)
            let actual = tree.idom.map { $0 == DominatorTree.virtualRoot ? n : Int($0) }
            #expect(actual == expected, "round \(round): n=\(n) edges=\(edges) roots=\(roots)")
            if actual != expected { return }
        }
    }

    @Test("A long chain does not overflow any stack")
    func longChain() {
        let n = 2_000_000
        let starts = [UInt32](0...UInt32(n - 1)) + [UInt32(n - 1)]
        let targets = [UInt32](1..<UInt32(n))
        let tree = DominatorTree(edgeStarts: starts, edgeTargets: targets, roots: [0])
        #expect(tree.idom[n - 1] == UInt32(n - 2))
        #expect(tree.idom[0] == DominatorTree.virtualRoot)
    }
}
