public import HeapGraph
import ProcessModels

/// Folds each instance `__dict__` into the instance that owns it, by the
/// rule of meliae's `collapse_instance_dicts`, so "dict" stops hiding the
/// classes that actually hold the memory:
/// - a module whose only referent is a dict folds that dict;
/// - any other object (not a str, dict, tuple, list, type, function,
///   wrapper_descriptor, code, classobj, int or weakref) whose referents are
///   exactly `[dict, type]`, in that order, folds the dict.
/// Like meliae 0.5, other referrers of the dict are not checked (a module's
/// dict is also every one of its functions' `__globals__`); a dict is folded
/// into one owner at most. On 3.11+ most instances keep their attributes inline, with no dict to fold.
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
        let id = { (name: String) in graph.typeNames.firstIndex(of: name).map(UInt32.init) }
        guard let dictType = id("dict") else { return }
        let typeType = id("type"), moduleType = id("module")
        let skipped: Set<String> = ["str", "dict", "tuple", "list", "type", "function", "wrapper_descriptor", "code", "classobj",
            "int", "weakref"]
        let skippedIDs = Set(graph.typeNames.indices.filter { skipped.contains(graph.typeNames[$0]) }.map(UInt32.init))
        for owner in 0..<n where !skippedIDs.contains(graph.typeIDs[owner]) {
            let referents = graph.referents(of: owner)
            let first = referents.first.map(Int.init)
            let isModule = graph.typeIDs[owner] == moduleType && referents.count == 1
            let isInstance = referents.count == 2 && typeType != nil && graph.typeIDs[Int(referents[referents.startIndex + 1])] == typeType
            guard isModule || isInstance, let d = first, graph.typeIDs[d] == dictType, !folded[d] else { continue }
            folded[d] = true
            extra[owner] = extra[owner].addingSaturated(graph.sizes[d])
            foldedCount += 1
        }
    }

    /// Whether object `index` is a dict folded into its owner.
    public func isFolded(_ index: Int) -> Bool { folded[index] }

    /// Bytes of folded dicts added to object `index`.
    public func extraBytes(_ index: Int) -> UInt64 { extra[index] }
}
