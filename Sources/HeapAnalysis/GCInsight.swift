public import ProcessModels

/// What `memlens gc` concludes from a `GCObservation`: pause statistics per
/// generation, garbage rates, and advice with the numbers behind it.
public struct GCInsight: Sendable {
    /// Collections of one generation during the window.
    public struct Generation: Sendable {
        public var generation: Int
        public var count: Int
        public var perSecond: Double
        public var p50Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
        public var totalMilliseconds: Double
        public var collected: Int
        public var uncollectable: Int
    }

    /// Objects of one type freed by the collector (typed collections only).
    public struct Garbage: Sendable {
        public var type: String
        public var count: Int
        public var perSecond: Double
    }

    public var observation: GCObservation
    public var seconds: Double
    public var collections: [Generation]
    public var garbage: [Garbage]
    public var uncollectable: [(type: String, count: Int)]
    public var sampledCollections: Int
    public var totalCollections: Int
    /// Net GC-tracked allocations per second, from gen-0 collections × threshold 0.
    public var allocationsPerSecond: Double
    /// Advice with the numbers behind it; a hint names the `gc` setting that would measure more.
    public var advice: [HintedText]

    public init(_ observation: GCObservation) {
        self.observation = observation
        let seconds = max(observation.seconds ?? 0, 1e-9)
        self.seconds = observation.seconds ?? 0
        let records = observation.records
        collections = (0..<3).map { generation in
            var durations: [Double] = []
            var collected = 0, uncollectable = 0
            if let records {
                for i in records.generation.indices where records.generation[i] == generation {
                    durations.append(records.seconds[i] * 1000)
                    collected &+= records.collected[i]
                    uncollectable &+= records.uncollectable[i]
                }
            }
            durations.sort()
            return Generation(
                generation: generation, count: durations.count, perSecond: Double(durations.count) / seconds,
                p50Milliseconds: Self.percentile(durations, 0.50), p99Milliseconds: Self.percentile(durations, 0.99),
                maxMilliseconds: durations.last ?? 0, totalMilliseconds: durations.reduce(0, +),
                collected: collected, uncollectable: uncollectable)
        }
        garbage = (observation.garbageByType ?? [:])
            .map { Garbage(type: $0.key, count: $0.value, perSecond: Double($0.value) / seconds) }
            .sorted { ($0.count, $1.type) > ($1.count, $0.type) }
        uncollectable = observation.uncollectableByType.map { (type: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.type) > ($1.count, $0.type) }
        sampledCollections = records?.sampled.filter { $0 }.count ?? 0
        totalCollections = records?.generation.count ?? 0
        allocationsPerSecond = collections[0].perSecond * Double(observation.thresholds.first ?? 0)
        advice = []
        advice = GCAdvice.advise(self)
    }

    /// Nearest-rank percentile of ascending `values`; 0 when empty.
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let rank = Int((fraction * Double(values.count)).rounded(.up))
        return values[min(max(rank, 1), values.count) - 1]
    }
}
