public import HeapGraph

/// Folds each instance `__dict__` into the instance that owns it, as meliae's
/// `collapse_instance_dicts` does, so "dict" stops hiding the classes that
/// actually hold the memory.
///
/// An object owns dict `d` when it is an instance of a class (one of its
/// referents is a type object), `d` is among its referents, and nothing else
/// refers to `d`. On 3.11+ most instances keep attributes inline with no dict
/// at all, so there is less to fold.
public struct InstanceDictCollapse: Sendable {
    private var folded: [Bool]
    private var extra: [UInt64]
    /// How many dicts were folded into their owners.
    public private(set) var foldedCount = 0

    /// Finds the instance dicts of `graph`. O(objects + edges).
    public init(_ graph: HeapGraph) {
        let n = graph.count
        folded = [Bool](repeating: false, count: n)
        extra = [UInt64](repeating: 0, count: n)
        let dictType = graph.typeNames.firstIndex(of: "dict").map(UInt32.init)
        let typeType = graph.typeNames.firstIndex(of: "type").map(UInt32.init)
        guard let dictType, let typeType else { return }
        var inDegree = [UInt32](repeating: 0, count: n)
        for target in graph.edgeTargets { inDegree[Int(target)] &+= 1 }
        let skipped: Set<String> = ["type", "module", "function", "dict", "list", "tuple", "set", "frozenset", "cell", "frame", "code"]
        let skippedIDs = Set(graph.typeNames.indices.filter { skipped.contains(graph.typeNames[$0]) }.map(UInt32.init))
        for owner in 0..<n where !skippedIDs.contains(graph.typeIDs[owner]) {
            let referents = graph.referents(of: owner)
            guard referents.contains(where: { graph.typeIDs[Int($0)] == typeType }) else { continue }
            let dicts = referents.filter { graph.typeIDs[Int($0)] == dictType && inDegree[Int($0)] == 1 }
            guard dicts.count == 1, let d = dicts.first.map(Int.init), !folded[d], d != owner else { continue }
            folded[d] = true
            extra[owner] &+= graph.sizes[d]
            foldedCount += 1
        }
    }

    /// Whether object `index` is a dict folded into its owner.
    public func isFolded(_ index: Int) -> Bool { folded[index] }

    /// Bytes of folded dicts added to object `index`.
    public func extraBytes(_ index: Int) -> UInt64 { extra[index] }
}
