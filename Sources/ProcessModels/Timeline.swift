/// One sample of a watched process, every interval: `smaps_rollup` and `stat`.
public struct TimelineSample: Sendable, Codable, Equatable {
    /// Seconds since the watch started.
    public var t: Double
    public var rssBytes: UInt64
    public var pssBytes: UInt64
    public var ussBytes: UInt64
    public var writableBytes: UInt64
    public var swapBytes: UInt64
    public var minorFaults: UInt64
    public var majorFaults: UInt64
    public var threads: UInt64

    enum CodingKeys: String, CodingKey {
        case t, threads
        case rssBytes = "rss_bytes", pssBytes = "pss_bytes", ussBytes = "uss_bytes", writableBytes = "writable_bytes"
        case swapBytes = "swap_bytes", minorFaults = "minor_faults", majorFaults = "major_faults"
    }

    public init(t: Double, rssBytes: UInt64, pssBytes: UInt64, ussBytes: UInt64, writableBytes: UInt64, swapBytes: UInt64,
                minorFaults: UInt64, majorFaults: UInt64, threads: UInt64) {
        self.t = t; self.rssBytes = rssBytes; self.pssBytes = pssBytes; self.ussBytes = ussBytes
        self.writableBytes = writableBytes; self.swapBytes = swapBytes
        self.minorFaults = minorFaults; self.majorFaults = majorFaults; self.threads = threads
    }
}

/// A census taken during the watch (every `--census-every`).
public struct TimelineCensus: Sendable, Codable, Equatable {
    public struct TypeRow: Sendable, Codable, Equatable {
        public var type: String
        public var count: Int
        public var sizeBytes: UInt64
        enum CodingKeys: String, CodingKey { case type, count, sizeBytes = "size_bytes" }
        public init(type: String, count: Int, sizeBytes: UInt64) { self.type = type; self.count = count; self.sizeBytes = sizeBytes }
    }
    public var t: Double
    public var objects: Int
    public var sizeBytes: UInt64
    /// The collector's counters (allocations since the last collection, …) per generation.
    public var generationCounts: [Int]
    /// Collections per generation since start-up.
    public var collections: [Int]
    public var arenaBytes: UInt64?
    public var arenaUsedBytes: UInt64?
    public var pauseMilliseconds: Double
    /// The largest types (at most 20).
    public var types: [TypeRow]

    enum CodingKeys: String, CodingKey {
        case t, objects, collections, types
        case sizeBytes = "size_bytes", generationCounts = "generation_counts", arenaBytes = "arena_bytes"
        case arenaUsedBytes = "arena_used_bytes", pauseMilliseconds = "pause_ms"
    }

    public init(t: Double, objects: Int, sizeBytes: UInt64, generationCounts: [Int], collections: [Int],
                arenaBytes: UInt64?, arenaUsedBytes: UInt64?, pauseMilliseconds: Double, types: [TypeRow]) {
        self.t = t; self.objects = objects; self.sizeBytes = sizeBytes; self.generationCounts = generationCounts
        self.collections = collections; self.arenaBytes = arenaBytes; self.arenaUsedBytes = arenaUsedBytes
        self.pauseMilliseconds = pauseMilliseconds; self.types = types
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
    public var fromT: Double?
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
    public var durationMilliseconds: Double?
    /// Collections (agent): the generation collected, and how many
    /// collections of it this event stands for (several in one sample
    /// interval are one event; their pauses summed, the longest in `max_ms`).
    public var generation: Int?
    public var count: Int?
    public var maxMilliseconds: Double?
    /// Collections (agent): objects the collections freed and found uncollectable.
    public var collected: Int?
    public var uncollectable: Int?

    enum CodingKeys: String, CodingKey {
        case t, kind, label, bytes, cause, stacks, attribution, source, generation, count, collected, uncollectable
        case fromT = "from_t", durationMilliseconds = "duration_ms", maxMilliseconds = "max_ms"
    }

    public init(t: Double, kind: Kind, label: String, bytes: Int64? = nil, fromT: Double? = nil, cause: String? = nil,
                stacks: [[PythonFrame]]? = nil) {
        self.t = t; self.kind = kind; self.label = label; self.bytes = bytes; self.fromT = fromT; self.cause = cause; self.stacks = stacks
    }
}

/// A whole watch: what `watch` writes as HTML and JSONL.
public struct Timeline: Sendable, Codable {
    public var pid: Int32
    public var command: String
    public var python: String?
    public var intervalSeconds: Double
    public var censusEverySeconds: Double
    public var samples: [TimelineSample] = []
    public var censuses: [TimelineCensus] = []
    public var events: [TimelineEvent] = []
    /// Why the watch stopped: `duration`, `interrupted`, `exited`.
    public var ended: String = ""
    public var notes: [String] = []

    enum CodingKeys: String, CodingKey {
        case pid, command, python, samples, censuses, events, ended, notes
        case intervalSeconds = "interval_seconds", censusEverySeconds = "census_every_seconds"
    }

    public init(pid: Int32, command: String, interval: Double, censusEvery: Double) {
        self.pid = pid; self.command = command; intervalSeconds = interval; censusEverySeconds = censusEvery
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
