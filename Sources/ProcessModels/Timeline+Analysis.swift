/// What the timeline's page and summary show beyond the raw samples.
extension Timeline {
    /// A type's object counts over the censuses.
    public struct TypeGrowth: Sendable, Equatable {
        public var type: String
        /// (seconds, objects) per census (0 where the type was not in that census's top list).
        public var points: [(t: Double, count: Int)]
        public var growth: Int

        public static func == (a: TypeGrowth, b: TypeGrowth) -> Bool {
            a.type == b.type && a.growth == b.growth && a.points.map(\.count) == b.points.map(\.count)
        }
    }

    /// The `limit` types whose object count grew most from the first census to the last.
    public func typesGrown(limit: Int = 6) -> [TypeGrowth] {
        guard let first = censuses.first, let last = censuses.last, censuses.count >= 2 else { return [] }
        let names = Set(last.types.map(\.type)).union(first.types.map(\.type))
        func count(_ census: TimelineCensus, _ name: String) -> Int { census.types.first { $0.type == name }?.count ?? 0 }
        return names.map { name in
            TypeGrowth(type: name, points: censuses.map { ($0.t, count($0, name)) }, growth: count(last, name) - count(first, name))
        }
        .filter { $0.growth > 0 }
        .sorted { ($0.growth, $1.type) > ($1.growth, $0.type) }
        .prefix(limit).map { $0 }
    }

    /// Peak RSS and writable over the samples, and the first and last samples.
    public var peaks: (rss: UInt64, writable: UInt64) {
        (samples.map(\.rss_bytes).max() ?? 0, samples.map(\.writable_bytes).max() ?? 0)
    }

    /// Seconds watched.
    public var durationSeconds: Double { samples.last?.t ?? 0 }
}
