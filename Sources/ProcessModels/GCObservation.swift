/// What `memlens gc` saw in a target (`observe.py`'s `gc.json`).
public struct GCObservation: Decodable, Sendable {
    /// Every collection during the window, column by column.
    public struct Records: Decodable, Sendable {
        public var generation: [Int]
        public var seconds: [Double]
        public var collected: [Int]
        public var uncollectable: [Int]
        /// Whether that collection's garbage was typed.
        public var sampled: [Bool]

        /// Decodes the columns, which must be of one length (the agent in the target writes them).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            generation = try c.decode([Int].self, forKey: .generation)
            seconds = try c.decode([Double].self, forKey: .seconds)
            collected = try c.decode([Int].self, forKey: .collected)
            uncollectable = try c.decode([Int].self, forKey: .uncollectable)
            sampled = try c.decode([Bool].self, forKey: .sampled)
            guard [seconds.count, collected.count, uncollectable.count, sampled.count].allSatisfy({ $0 == generation.count }) else {
                throw DecodingError.dataCorruptedError(forKey: .generation, in: c,
                                                       debugDescription: "the records' columns differ in length")
            }
        }

        enum CodingKeys: String, CodingKey { case generation, seconds, collected, uncollectable, sampled }
    }

    public var python: String
    /// Length of the window in the target, in seconds.
    public var seconds: Double?
    public var records: Records?
    /// Objects freed by the collections whose garbage was typed.
    public var sampledCollected: Int?
    /// Time the watcher spent typing garbage, in seconds.
    public var samplingSeconds: Double?
    /// Freed objects by type (weak-referenceable types only).
    public var garbageByType: [String: Int]?
    /// `len(gc.garbage)` when the window began.
    public var garbageBefore: Int?
    /// The watcher was gone when memlens came back (it had expired).
    public var lost: Bool?

    public var thresholds: [Int]
    public var counts: [Int]
    /// Objects in generations 0, 1, 2 at the end.
    public var generations: [Int]
    /// Objects in the permanent generation (`gc.freeze()`).
    public var permanent: Int
    public var enabled: Bool
    /// `len(gc.garbage)` at the end.
    public var garbage: Int
    public var uncollectableByType: [String: Int]
    /// One full collection timed at the end (`--measure-full`).
    public var fullSeconds: Double?
    public var fullCollected: Int?

    enum CodingKeys: String, CodingKey {
        case python, seconds, records, lost, thresholds, counts, generations, permanent, enabled, garbage
        case sampledCollected = "sampled_collected", samplingSeconds = "sampling_seconds"
        case garbageByType = "garbage_by_type", garbageBefore = "garbage_before"
        case uncollectableByType = "uncollectable_by_type", fullSeconds = "full_seconds", fullCollected = "full_collected"
    }
}

/// What `memlens alloc` saw in a target (`observe.py`'s `alloc.json`).
public struct AllocObservation: Decodable, Sendable {
    /// One allocation site (the most recent frame) and its growth.
    public struct Site: Decodable, Sendable {
        public var file: String
        public var line: Int
        public var sizeDiff: Int
        public var countDiff: Int
        /// The largest-growing stack that ends at this site, oldest frame first.
        public var traceback: [String]

        enum CodingKeys: String, CodingKey {
            case file, line, traceback, sizeDiff = "size_diff", countDiff = "count_diff"
        }
    }

    public var seconds: Double?
    /// Frames tracemalloc keeps per allocation.
    public var depth: Int?
    /// memlens started tracemalloc (and stopped it again).
    public var startedTracing: Bool?
    /// tracemalloc was already tracing: growth is against a baseline snapshot.
    public var baseline: Bool?
    public var totalSizeDiff: Int?
    public var sites: [Site]?
    /// tracemalloc was no longer tracing when memlens came back.
    public var lost: Bool?

    enum CodingKeys: String, CodingKey {
        case seconds, depth, baseline, sites, lost
        case startedTracing = "started_tracing", totalSizeDiff = "total_size_diff"
    }
}
