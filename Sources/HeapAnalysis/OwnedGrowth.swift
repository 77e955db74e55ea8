public import HeapGraph
import ProcessModels

/// What grew between two snapshots, by type, with each new object's bytes
/// charged to the instance of a class (a type named `module.Name`) that
/// dominates it, when one new one does: a `LeakedThing`'s payload list and
/// strings count as `LeakedThing`, so a growing class ranks above the
/// builtins it is made of. Objects no new class instance dominates are
/// charged to their own type.
public struct OwnedGrowth: Sendable {
    public struct Row: Sendable, Hashable {
        public var type: String
        /// Change in the number of objects of this type, newer minus older.
        public var countDelta: Int
        /// Bytes of new objects charged to this type.
        public var newBytes: UInt64
        /// New objects of this type.
        public var newCount: Int
    }

    /// Types with new objects, most bytes charged first.
    public let rows: [Row]
    /// Per object of the newer snapshot: whether it is new (not in the older one).
    public let isNew: [Bool]

    /// Compares `older` with `newer`, whose retained sizes are `sizes`.
    public init(older: HeapGraph, newer: HeapGraph, sizes: RetainedSizes, diff: HeapDiff) {
        let match = HeapMatch(older: older, newer: newer)
        let isNew = match.olderIndex.map { $0 == .max }
        let isClass = newer.typeNames.map { $0.contains(".") }
        let idom = sizes.tree.idom
        var owner = [UInt32](repeating: .max, count: newer.count)
        var bytes = [UInt64](repeating: 0, count: newer.typeNames.count)
        var counts = [Int](repeating: 0, count: newer.typeNames.count)
        for v in sizes.tree.preorder.lazy.map(Int.init) where isNew[v] {
            let type = Int(newer.typeIDs[v])
            counts[type] += 1
            var charged = v
            let d = idom[v]
            if !isClass[type], d != DominatorTree.virtualRoot, owner[Int(d)] != .max,
               isClass[Int(newer.typeIDs[Int(owner[Int(d)])])] {
                charged = Int(owner[Int(d)])
            }
            owner[v] = UInt32(charged)
            let chargedType = Int(newer.typeIDs[charged])
            bytes[chargedType] = bytes[chargedType].addingSaturated(newer.sizes[v])
        }
        let deltas = Dictionary(diff.types.map { ($0.type, $0.countDelta) }, uniquingKeysWith: { a, _ in a })
        rows = newer.typeNames.indices.filter { counts[$0] > 0 || bytes[$0] > 0 }
            .map { Row(type: newer.typeNames[$0], countDelta: deltas[newer.typeNames[$0]] ?? 0, newBytes: bytes[$0], newCount: counts[$0]) }
            .sorted { ($0.newBytes, $0.countDelta, $1.type) > ($1.newBytes, $1.countDelta, $0.type) }
        self.isNew = isNew
    }
}
