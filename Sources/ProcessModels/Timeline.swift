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

    public init(t: Double, rss_bytes: UInt64, pss_bytes: UInt64, uss_bytes: UInt64, writable_bytes: UInt64, swap_bytes: UInt64,
                minor_faults: UInt64, major_faults: UInt64, threads: UInt64) {
        self.t = t; self.rss_bytes = rss_bytes; self.pss_bytes = pss_bytes; self.uss_bytes = uss_bytes
        self.writable_bytes = writable_bytes; self.swap_bytes = swap_bytes
        self.minor_faults = minor_faults; self.major_faults = major_faults; self.threads = threads
    }
}

/// A census taken during the watch (every `--census-every`).
public struct TimelineCensus: Sendable, Codable, Equatable {
    public struct TypeRow: Sendable, Codable, Equatable {
        public var type: String
        public var count: Int
        public var size_bytes: UInt64
        public init(type: String, count: Int, size_bytes: UInt64) { self.type = type; self.count = count; self.size_bytes = size_bytes }
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

    public init(t: Double, objects: Int, size_bytes: UInt64, generation_counts: [Int], collections: [Int],
                arena_bytes: UInt64?, arena_used_bytes: UInt64?, pause_ms: Double, types: [TypeRow]) {
        self.t = t; self.objects = objects; self.size_bytes = size_bytes; self.generation_counts = generation_counts
        self.collections = collections; self.arena_bytes = arena_bytes; self.arena_used_bytes = arena_used_bytes
        self.pause_ms = pause_ms; self.types = types
    }
}

/// Something that happened, marked on the timeline.
public struct TimelineEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case `import`, collection, growth, drop, snapshot
    }
    public var t: Double
    public var kind: Kind
    /// One line: `import xml.dom.minidom`, `+5.2 MiB writable in parse (app.py:12)`.
    public var label: String
    /// Growth and drops: the writable change over the step, in bytes (negative
    /// for a drop). Imports the agent timed: the target's Private_Dirty change
    /// during the import.
    public var bytes: Int64?
    /// Growth and drops: where the step started (seconds).
    public var from_t: Double?
    /// Growth and drops: what moved (`brk`, `mmap`).
    public var cause: String?
    /// The main thread's Python stacks seen during the step, innermost frame first.
    public var stacks: [[PythonFrame]]?
    /// Growth steps: the functions the growth is credited to, largest first
    /// (absent when the fine sampler did not run: `--attribute-every` off, or no Python found).
    public var attribution: [GrowthShare]?
    /// Imports and collections the agent measured in the target (`-- CMD`):
    /// `agent`; absent for what was read from outside.
    public var source: String?
    /// Imports (agent): wall time of the import, the imports it triggered
    /// included. Collections (agent): the pause, summed over `count`.
    public var duration_ms: Double?
    /// Collections (agent): the generation collected, and how many
    /// collections of it this event stands for (several in one sample
    /// interval are one event; their pauses summed, the longest in `max_ms`).
    public var generation: Int?
    public var count: Int?
    public var max_ms: Double?
    /// Collections (agent): objects the collections freed and found uncollectable.
    public var collected: Int?
    public var uncollectable: Int?

    public init(t: Double, kind: Kind, label: String, bytes: Int64? = nil, from_t: Double? = nil, cause: String? = nil,
                stacks: [[PythonFrame]]? = nil) {
        self.t = t; self.kind = kind; self.label = label; self.bytes = bytes; self.from_t = from_t; self.cause = cause; self.stacks = stacks
    }
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

/// One record of the timeline as it is made (what `--jsonl` streams).
public enum TimelineRecord: Sendable {
    /// The watch began (no samples yet; the Python version may not be known).
    case start(Timeline)
    case sample(TimelineSample)
    case census(TimelineCensus)
    case event(TimelineEvent)
}
