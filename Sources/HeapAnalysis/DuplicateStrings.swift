public import HeapGraph
import ProcessModels

/// Strings (and bytes) held many times over with the same value: each copy
/// after the first is memory an intern or a cache could save.
public struct DuplicateStrings: Sendable {
    /// One repeated value.
    public struct Group: Sendable {
        public var type: String
        /// The value (whole: only values recorded completely are compared).
        public var value: String
        public var count: Int
        /// `sys.getsizeof` of one copy.
        public var sizeBytes: UInt64
        /// What all but one copy cost: `(count - 1) × size`.
        public var wastedBytes: UInt64
        /// Address of one copy.
        public var example: UInt64
    }

    /// Values held at least twice, most wasted bytes first.
    public let groups: [Group]
    /// Strings whose value was cut at 100 characters and so not compared.
    public let uncomparedCount: Int

    /// Σ bytes of every extra copy.
    public var wastedBytes: UInt64 { groups.map(\.wastedBytes).saturatedSum() }

    /// Groups `graph`'s str and bytes objects by value.
    public init(_ graph: HeapGraph) {
        struct Key: Hashable { var isBytes: Bool; var value: String }
        var groups: [Key: Group] = [:]
        var uncompared = 0
        for i in 0..<graph.count {
            let key: Key
            switch graph.values.value(of: i) {
            case .text(let s, let length)?:
                guard s.unicodeScalars.count == length else { uncompared += 1; continue }
                key = Key(isBytes: false, value: s)
            case .bytes(let b, let length)?:
                guard b.count == length else { uncompared += 1; continue }
                key = Key(isBytes: true, value: String(decoding: b, as: UTF8.self))
            default: continue
            }
            if var group = groups[key] {
                group.count += 1
                group.wastedBytes = group.wastedBytes.addingSaturated(graph.sizes[i])
                groups[key] = group
            } else {
                groups[key] = Group(type: graph.typeName(of: i), value: key.value, count: 1, sizeBytes: graph.sizes[i], wastedBytes: 0,
                    example: graph.addresses[i])
            }
        }
        self.groups = groups.values.filter { $0.count > 1 }.sorted { ($0.wastedBytes, $0.count, $1.value) > ($1.wastedBytes, $1.count,
            $0.value) }
        uncomparedCount = uncompared
    }
}
