public import HeapGraph
import ProcessModels

/// Reference cycles: strongly connected components of more than one object,
/// found with an iterative Tarjan's algorithm (no recursion). Objects in a
/// cycle are freed only by the cyclic garbage collector.
///
/// References to classes and modules, and from functions to dicts (their
/// `__globals__`), are left out, as meliae's `remove_expensive_references`
/// does: through them every module's objects would form one cycle.
public struct Cycles: Sendable {
    /// One cycle: its members and what they weigh.
    public struct Component: Sendable {
        /// Object indices, in discovery order.
        public var members: [Int]
        /// Sum of the members' own sizes, in bytes.
        public var sizeBytes: UInt64
        /// What freeing the cycle would free: the retained sizes of members
        /// whose immediate dominator is outside the cycle.
        public var retainedBytes: UInt64
    }

    /// Components with two or more objects, largest retained size first.
    public let components: [Component]

    /// Finds the cycles of `graph`; `retained` supplies the dominator tree.
    public init(_ graph: HeapGraph, retained: RetainedSizes) {
        let (found, component) = Self.stronglyConnected(graph, filter: ReferenceFilter(graph))
        components = Self.weigh(found, component: component, graph: graph, retained: retained)
    }

    /// Which references the search follows: none to classes and modules, none from a
    /// function to a dict.
    private struct ReferenceFilter {
        let typeIDs: [UInt32]
        /// The type objects: classes.
        let typeObjectNames: [UInt32: String]
        let functionType: UInt32?
        let dictType: UInt32?
        /// Classes: type objects, and instances of metaclasses, which by
        /// convention end in "Meta" (ABCMeta, EnumMeta) — a heuristic: the
        /// snapshot names only the classes that have instances.
        let housekeeping: Set<UInt32>

        init(_ graph: HeapGraph) {
            typeIDs = graph.typeIDs
            typeObjectNames = graph.typeObjectNames
            functionType = graph.typeNames.firstIndex(of: "function").map(UInt32.init)
            dictType = graph.typeNames.firstIndex(of: "dict").map(UInt32.init)
            housekeeping = Set(graph.typeNames.indices.filter {
                ["type", "module"].contains(graph.typeNames[$0]) || graph.typeNames[$0].hasSuffix("Meta")
            }.map(UInt32.init))
        }

        /// Whether the reference from object `from` to object `to` is followed.
        func follows(_ from: Int, _ to: Int) -> Bool {
            if housekeeping.contains(typeIDs[to]) || typeObjectNames[UInt32(to)] != nil { return false }
            return !(typeIDs[from] == functionType && typeIDs[to] == dictType)
        }
    }

    /// Tarjan's algorithm, iterative, over the references `filter` follows: every
    /// strongly connected component in the order found (its members, or none for a
    /// single object), and each object's component.
    private static func stronglyConnected(_ graph: HeapGraph, filter: ReferenceFilter) -> (found: [[Int]], component: [UInt32]) {
        let n = graph.count
        var index = [UInt32](repeating: .max, count: n)   // discovery order, .max: unvisited
        var low = [UInt32](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [UInt32] = []
        var work: [(node: UInt32, next: UInt32)] = []
        var counter: UInt32 = 0
        var component = [UInt32](repeating: .max, count: n)
        var found: [[Int]] = []
        for start in 0..<n where index[start] == .max {
            work.append((UInt32(start), graph.edgeStarts[start]))
            index[start] = counter; low[start] = counter; counter += 1
            stack.append(UInt32(start)); onStack[start] = true
            while let top = work.last {
                let v = Int(top.node)
                if top.next < graph.edgeStarts[v + 1] {
                    work[work.count - 1].next += 1
                    let w = Int(graph.edgeTargets[Int(top.next)])
                    if !filter.follows(v, w) { continue }
                    if index[w] == .max {
                        index[w] = counter; low[w] = counter; counter += 1
                        stack.append(UInt32(w)); onStack[w] = true
                        work.append((UInt32(w), graph.edgeStarts[w]))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[Int(parent.node)] = min(low[Int(parent.node)], low[v]) }
                if low[v] == index[v] {
                    var members: [Int] = []
                    while let w = stack.popLast() {
                        onStack[Int(w)] = false
                        component[Int(w)] = UInt32(found.count)
                        members.append(Int(w))
                        if Int(w) == v { break }
                    }
                    found.append(members.count > 1 ? members : [])
                }
            }
        }
        return (found, component)
    }

    /// The cycles (components of two or more objects) with their sizes, largest retained size first.
    private static func weigh(
        _ found: [[Int]], component: [UInt32], graph: HeapGraph, retained: RetainedSizes
    ) -> [Component] {
        found.enumerated().compactMap { id, members in
            guard !members.isEmpty else { return nil }
            var size: UInt64 = 0, held: UInt64 = 0
            for m in members {
                size = size.addingSaturated(graph.sizes[m])
                let d = retained.tree.idom[m]
                if d == DominatorTree.virtualRoot || component[Int(d)] != UInt32(id) {
                    held = held.addingSaturated(retained.retainedBytes[m])
                }
            }
            return Component(members: members, sizeBytes: size, retainedBytes: held)
        }.sorted { ($0.retainedBytes, $0.members.count) > ($1.retainedBytes, $1.members.count) }
    }
}

extension Cycles.Component {
    /// The members' types with how many of each, most first (then by name).
    public func typeCounts(in graph: HeapGraph) -> [(type: String, count: Int)] {
        Dictionary(members.map { (graph.typeName(of: $0), 1) }, uniquingKeysWith: +)
            .map { (type: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.type) > ($1.count, $0.type) }
    }
}
