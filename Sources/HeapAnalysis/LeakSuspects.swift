public import HeapGraph
import ProcessModels

/// Leak suspects in Eclipse MAT's sense: objects that alone keep a large part
/// of the heap alive, and (given an older snapshot) types whose count grows.
public struct LeakSuspects: Sendable {
    /// An object retaining at least `threshold` of the heap, and no child in
    /// the dominator tree that does too (the accumulation point).
    public struct Accumulation: Sendable {
        public var object: Int
        public var retainedBytes: UInt64
        /// Share of the whole heap, 0...1.
        public var share: Double
    }

    /// A type with more objects than in the older snapshot.
    public struct Growth: Sendable {
        public var type: String
        public var countDelta: Int
        public var sizeDelta: Int64
        /// A new object of that type (index in the newer snapshot), to show a path to.
        public var example: Int?
    }

    public let accumulations: [Accumulation]
    public let growing: [Growth]

    /// Suspects in `graph` (and growth since `older`, when given).
    public init(_ graph: HeapGraph, retained: RetainedSizes, older: HeapGraph? = nil, threshold: Double = 0.1) {
        let total = graph.totalSizeBytes
        let share = Double(total) * threshold   // UInt64(Double) traps at 2^64 and above
        let limit = share < 0x1p64 ? UInt64(max(share, 0)) : .max
        var big = [Bool](repeating: false, count: graph.count)
        var bigChild = [Bool](repeating: false, count: graph.count)
        for i in 0..<graph.count where retained.retainedBytes[i] >= limit && total > 0 { big[i] = true }
        for i in 0..<graph.count where big[i] {
            let d = retained.tree.idom[i]
            if d != DominatorTree.virtualRoot { bigChild[Int(d)] = true }
        }
        let named = Set(graph.roots.map { Int($0.object) })
        accumulations = (0..<graph.count).filter { big[$0] && !bigChild[$0] && !named.contains($0) }
            .map { Accumulation(object: $0, retainedBytes: retained.retainedBytes[$0],
                share: Double(retained.retainedBytes[$0]) / Double(max(total, 1))) }
            .sorted { $0.retainedBytes > $1.retainedBytes }
        guard let older else {
            growing = []
            return
        }
        let diff = HeapDiff(older: older, newer: graph)
        let match = HeapMatch(older: older, newer: graph)
        var example: [String: Int] = [:]
        for i in 0..<graph.count where match.olderIndex[i] == .max {
            let type = graph.typeName(of: i)
            if example[type] == nil { example[type] = i }
        }
        growing = diff.types.filter { $0.countDelta > 0 }
            .sorted { ($0.sizeDelta, $0.countDelta) > ($1.sizeDelta, $1.countDelta) }
            .map { Growth(type: $0.type, countDelta: $0.countDelta, sizeDelta: $0.sizeDelta, example: example[$0.type]) }
    }
}
