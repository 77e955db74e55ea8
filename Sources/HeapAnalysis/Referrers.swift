public import HeapGraph

/// Who refers to whom: the reverse of a graph's edges, in CSR form
/// (4 bytes per edge plus 4 per object).
public struct Referrers: Sendable {
    private let starts: [UInt32]
    private let sources: [UInt32]

    /// Builds the reverse edges of `graph`. O(objects + edges).
    public init(_ graph: HeapGraph) {
        var starts = [UInt32](repeating: 0, count: graph.count + 1)
        for target in graph.edgeTargets { starts[Int(target) + 1] += 1 }
        for i in 1..<starts.count { starts[i] += starts[i - 1] }
        var sources = [UInt32](repeating: 0, count: graph.edgeCount)
        var fill = starts
        for v in 0..<graph.count {
            for w in graph.referents(of: v) {
                sources[Int(fill[Int(w)])] = UInt32(v)
                fill[Int(w)] += 1
            }
        }
        self.starts = starts
        self.sources = sources
    }

    /// The objects that refer to `object` (one entry per reference).
    public func of(_ object: Int) -> ArraySlice<UInt32> {
        sources[Int(starts[object])..<Int(starts[object + 1])]
    }
}
