public import PythonProcess

/// One sample of a watched process, every interval: `smaps_rollup` and `stat`.
public struct TimelineSample: Sendable, Codable, Equatable {
    /// Seconds since the watch started.
    public var t: Double
    public var rss_bytes: UInt64
    public var pss_bytes: UInt64
    public var uss_bytes: UInt64
    public var writable_bytes: UInt64
    public var swap_bytes: UInt64
    public var minor_faults: UInt64
    public var major_faults: UInt64
    public var threads: UInt64
}

/// A census taken during the watch (every `--census-every`).
public struct TimelineCensus: Sendable, Codable, Equatable {
    public struct TypeRow: Sendable, Codable, Equatable {
        public var type: String
        public var count: Int
        public var size_bytes: UInt64
    }
    public var t: Double
    public var objects: Int
    public var size_bytes: UInt64
    /// The collector's counters (allocations since the last collection, …) per generation.
    public var generation_counts: [Int]
    /// Collections per generation since start-up.
    public var collections: [Int]
    public var arena_bytes: UInt64?
    public var arena_used_bytes: UInt64?
    public var pause_ms: Double
    /// The largest types (at most 20).
    public var types: [TypeRow]
}

/// Something that happened, marked on the timeline.
public struct TimelineEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case `import`, collection, growth, drop, snapshot
    }
    public var t: Double
    public var kind: Kind
    /// One line: `import xml.dom.minidom`, `+5.2 MiB writable in parse (app.py:12)`.
    public var label: String
    /// Growth and drops: the writable change over the step, in bytes (negative for a drop).
    public var bytes: Int64?
    /// Growth and drops: where the step started (seconds).
    public var from_t: Double?
    /// Growth and drops: what moved (`brk`, `mmap`).
    public var cause: String?
    /// The main thread's Python stacks seen during the step, innermost frame first.
    public var stacks: [[PythonFrame]]?
}

/// A whole watch: what `watch` writes as HTML and JSONL.
public struct Timeline: Sendable, Codable {
    public var pid: Int32
    public var command: String
    public var python: String?
    public var interval_seconds: Double
    public var census_every_seconds: Double
    public var samples: [TimelineSample] = []
    public var censuses: [TimelineCensus] = []
    public var events: [TimelineEvent] = []
    /// Why the watch stopped: `duration`, `interrupted`, `exited`.
    public var ended: String = ""
    public var notes: [String] = []

    public init(pid: Int32, command: String, interval: Double, censusEvery: Double) {
        self.pid = pid; self.command = command; interval_seconds = interval; census_every_seconds = censusEvery
    }
}
