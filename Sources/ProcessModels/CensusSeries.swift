/// Censuses of one process over time (`census --every`): per-type growth
/// between the first and the last, and which types grew at every step.
public struct CensusSeries: Sendable {
    /// One type's change over the series.
    public struct Growth: Sendable, Codable, Equatable {
        public var type: String
        public var firstCount: Int
        public var lastCount: Int
        public var countDelta: Int
        public var sizeDelta: Int64
        /// Σ size change per minute over the series.
        public var bytesPerMinute: Double
        /// Grew (in count) at every step and at least once: a leak suspect.
        public var monotonic: Bool

        enum CodingKeys: String, CodingKey {
            case type, monotonic
            case firstCount = "first_count", lastCount = "last_count", countDelta = "count_delta", sizeDelta = "size_delta"
            case bytesPerMinute = "bytes_per_minute"
        }
    }

    /// The censuses, oldest first, with when each was taken (seconds, any origin).
    public private(set) var censuses: [(seconds: Double, result: CensusResult)] = []

    public init() {}

    public mutating func append(_ result: CensusResult, at seconds: Double) {
        censuses.append((seconds, result))
    }

    /// Types whose count or size changed, largest size growth first.
    public func growth() -> [Growth] {
        guard let first = censuses.first, let last = censuses.last else { return [] }
        let minutes = max(last.seconds - first.seconds, 1e-9) / 60
        let tables = censuses.map { Dictionary($0.result.types.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a }) }
        let names = Set(tables.flatMap(\.keys))
        var rows: [Growth] = []
        for name in names {
            let counts = tables.map { $0[name]?.count ?? 0 }
            let sizes = tables.map { Int64(clamping: $0[name]?.size ?? 0) }
            guard let c0 = counts.first, let c1 = counts.last, let s0 = sizes.first, let s1 = sizes.last,
                  c0 != c1 || s0 != s1 else { continue }
            let steps = zip(counts, counts.dropFirst())
            let monotonic = counts.count > 1 && steps.allSatisfy { $0 < $1 }
            rows.append(Growth(type: name, firstCount: c0, lastCount: c1, countDelta: c1 - c0, sizeDelta: s1 - s0,
                               bytesPerMinute: Double(s1 - s0) / minutes, monotonic: monotonic))
        }
        return rows.sorted { ($0.sizeDelta, $0.type) > ($1.sizeDelta, $1.type) }
    }
}
