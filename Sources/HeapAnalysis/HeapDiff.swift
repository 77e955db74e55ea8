public import HeapGraph
import ProcessModels

/// Objects of one type that appeared or disappeared between two snapshots.
public struct TypeDelta: Sendable, Hashable, Codable {
    public var type: String
    /// Objects in the newer snapshot only (count, bytes).
    public var newCount: Int
    public var newSize: UInt64
    /// Objects in the older snapshot only.
    public var freedCount: Int
    public var freedSize: UInt64
    /// Change in count and size, newer minus older (matched objects can change size too).
    public var countDelta: Int
    public var sizeDelta: Int64
}

/// Matches the objects of two snapshots by address and type: an address
/// reused by an object of another type is a new object.
public struct HeapMatch: Sendable {
    /// For each object of the newer snapshot, its index in the older one, or `UInt32.max`.
    public let olderIndex: [UInt32]

    /// Matches `newer`'s objects against `older`'s.
    public init(older: HeapGraph, newer: HeapGraph) {
        let lookup = AddressLookup(older)
        let olderTypeByName = Dictionary(older.typeNames.enumerated().map { ($1, UInt32($0)) }, uniquingKeysWith: { a, _ in a })
        let typeMap = newer.typeNames.map { olderTypeByName[$0] ?? .max }
        olderIndex = (0..<newer.count).map { i in
            guard let j = lookup.index(of: newer.addresses[i]), older.typeIDs[j] == typeMap[Int(newer.typeIDs[i])] else { return .max }
            return UInt32(j)
        }
    }
}

/// What changed between two snapshots, by type.
public struct HeapDiff: Sendable {
    /// One row per type that changed, largest size increase first.
    public var types: [TypeDelta]
    public var newObjects: Int
    public var freedObjects: Int

    /// Compares `older` with `newer`.
    public init(older: HeapGraph, newer: HeapGraph) {
        let match = HeapMatch(older: older, newer: newer)
        var rows: [String: TypeDelta] = [:]
        func row(_ type: String) -> TypeDelta {
            rows[type] ?? TypeDelta(type: type, newCount: 0, newSize: 0, freedCount: 0, freedSize: 0, countDelta: 0, sizeDelta: 0)
        }
        var matchedInOlder = [Bool](repeating: false, count: older.count)
        var newObjects = 0
        for i in 0..<newer.count {
            let type = newer.typeName(of: i)
            var r = row(type)
            let j = match.olderIndex[i]
            if j == .max {
                r.newCount += 1
                r.newSize = r.newSize.addingSaturated(newer.sizes[i])
                newObjects += 1
            } else {
                matchedInOlder[Int(j)] = true
            }
            r.countDelta += 1
            r.sizeDelta = r.sizeDelta.addingSaturated(Int64(clamping: newer.sizes[i]))
            rows[type] = r
        }
        var freedObjects = 0
        for j in 0..<older.count {
            let type = older.typeName(of: j)
            var r = row(type)
            if !matchedInOlder[j] {
                r.freedCount += 1
                r.freedSize = r.freedSize.addingSaturated(older.sizes[j])
                freedObjects += 1
            }
            r.countDelta -= 1
            r.sizeDelta = r.sizeDelta.addingSaturated(-Int64(clamping: older.sizes[j]))
            rows[type] = r
        }
        types = rows.values.filter { $0.newCount > 0 || $0.freedCount > 0 || $0.sizeDelta != 0 }
            .sorted { ($0.sizeDelta, $0.countDelta, $1.type) > ($1.sizeDelta, $1.countDelta, $0.type) }
        self.newObjects = newObjects
        self.freedObjects = freedObjects
    }
}

/// Seed 000's "what outlived its phase": objects of `later` that were
/// created between `base` and `after` (in `after`, not in `base`) and are
/// still there in `later`.
public struct Survivors: Sendable {
    /// Indices into `later` of the surviving objects.
    public let objects: [Int]

    public init(base: HeapGraph, after: HeapGraph, later: HeapGraph) {
        let afterInBase = HeapMatch(older: base, newer: after)
        let laterInAfter = HeapMatch(older: after, newer: later)
        objects = (0..<later.count).filter { i in
            let j = laterInAfter.olderIndex[i]
            return j != .max && afterInBase.olderIndex[Int(j)] == .max
        }
    }
}
