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
        (samples.map(\.rssBytes).max() ?? 0, samples.map(\.writableBytes).max() ?? 0)
    }

    /// Seconds watched.
    public var durationSeconds: Double { samples.last?.t ?? 0 }
}

/// What `watch` says when it stops: on stderr as text, or as the `--json` document.
public struct TimelineSummary: Sendable, Encodable {
    public var pid: Int32
    public var command: String
    public var python: String?
    public var durationSeconds: Double
    public var samples: Int
    public var censuses: Int
    /// `duration`, `interrupted` or `exited`.
    public var ended: String
    public var rssBytes: Span?
    public var writableBytes: Span?
    /// Events by kind (`import`, `collection`, `growth`, `drop`, `snapshot`), zeros included.
    public var events: [String: Int]
    /// Collections the agent timed (`-- CMD`): how many, their pauses summed, the longest.
    public var collectionsTimed: Int
    public var collectionPauseMilliseconds: Double
    public var longestPauseMilliseconds: Double
    /// Imports the agent timed (`-- CMD`).
    public var importsTimed: Int
    /// The growth and drop steps, in time order.
    public var steps: [TimelineEvent]
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case pid, command, python, samples, censuses, ended, events, steps, notes
        case durationSeconds = "duration_seconds", rssBytes = "rss_bytes", writableBytes = "writable_bytes"
        case collectionsTimed = "collections_timed", collectionPauseMilliseconds = "collection_pause_ms"
        case longestPauseMilliseconds = "longest_pause_ms", importsTimed = "imports_timed"
    }

    /// First, last and peak over the samples.
    public struct Span: Sendable, Encodable {
        public var first: UInt64
        public var last: UInt64
        public var peak: UInt64
    }

    public init(_ timeline: Timeline) {
        pid = timeline.pid; command = timeline.command; python = timeline.python
        durationSeconds = timeline.durationSeconds; samples = timeline.samples.count; censuses = timeline.censuses.count
        ended = timeline.ended; notes = timeline.notes
        if let first = timeline.samples.first, let last = timeline.samples.last {
            let peaks = timeline.peaks
            rssBytes = Span(first: first.rssBytes, last: last.rssBytes, peak: peaks.rss)
            writableBytes = Span(first: first.writableBytes, last: last.writableBytes, peak: peaks.writable)
        }
        events = Dictionary(uniqueKeysWithValues: TimelineEvent.Kind.allCases.map { kind in
            (kind.rawValue, timeline.events.filter { $0.kind == kind }.count)
        })
        let timed = timeline.events.filter { $0.kind == .collection && $0.source == "agent" }
        collectionsTimed = timed.reduce(0) { $0 + ($1.count ?? 1) }
        collectionPauseMilliseconds = timed.reduce(0) { $0 + ($1.durationMilliseconds ?? 0) }
        longestPauseMilliseconds = timed.compactMap(\.maxMilliseconds).max() ?? 0
        importsTimed = timeline.events.filter { $0.kind == .import && $0.source == "agent" }.count
        steps = timeline.events.filter { $0.kind == .growth || $0.kind == .drop }
    }
}
