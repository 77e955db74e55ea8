/// What a census found: GC-tracked objects by type, the collector's
/// generations and the cost of looking. Encodes to the `--json` document.
public struct CensusResult: Sendable, Codable, Equatable {
    /// One type's instances.
    public struct TypeCount: Sendable, Codable, Equatable {
        /// `module.QualName`, bare for builtins.
        public var type: String
        public var count: Int
        /// Σ `sys.getsizeof` over the instances.
        public var size: UInt64
        /// False when the size is approximate (an unmodelled `__sizeof__`).
        public var exact: Bool

        public init(type: String, count: Int, size: UInt64, exact: Bool) {
            self.type = type; self.count = count; self.size = size; self.exact = exact
        }
    }

    /// One GC generation.
    public struct Generation: Sendable, Codable, Equatable {
        /// The collector's counter (allocations since, or collections of the younger generation).
        public var count: Int
        public var threshold: Int
        /// Objects in the generation's list.
        public var objects: Int
        /// Collections of this generation since start-up (`gc.get_stats()[i]["collections"]`).
        public var collections: Int? = nil

        public init(count: Int, threshold: Int, objects: Int, collections: Int? = nil) {
            self.count = count; self.threshold = threshold; self.objects = objects; self.collections = collections
        }
    }

    /// pymalloc's arenas (what `sys._debugmallocstats()` counts).
    public struct Arenas: Sendable, Codable, Equatable {
        /// Arenas allocated now (`# arenas allocated current`).
        public var count: Int
        /// Their virtual size.
        public var bytes: UInt64
        /// Bytes in allocated blocks (`# bytes in allocated blocks`).
        public var usedBytes: UInt64
        /// Size of the arenas at most 10% used: kept mapped by a few blocks.
        public var pinnedBytes: UInt64? = nil

        enum CodingKeys: String, CodingKey {
            case count, bytes, usedBytes = "used_bytes", pinnedBytes = "pinned_bytes"
        }

        public init(count: Int, bytes: UInt64, usedBytes: UInt64, pinnedBytes: UInt64? = nil) {
            self.count = count; self.bytes = bytes; self.usedBytes = usedBytes; self.pinnedBytes = pinnedBytes
        }
    }

    public var python: String
    /// The process id (from the core's `NT_PRPSINFO` for a core file; 0 if it has none).
    public var pid: Int32
    /// GC-tracked objects in generations 0–2 (what `gc.get_objects()` returns),
    /// plus the permanent generation's when the census included frozen objects.
    public var objects: Int
    public var totalSize: UInt64
    /// How long the target was stopped, in milliseconds (0 for a core file).
    public var pauseMilliseconds: Double
    /// The local walk after the target resumed, in milliseconds.
    public var walkMilliseconds: Double
    /// Bytes copied out of the target while it was stopped (for a core file: its memory read).
    public var copiedBytes: UInt64
    /// Tries it took (a try is abandoned when the collector was running).
    public var attempts: Int
    public var generations: [Generation]
    /// Objects in the permanent generation (`gc.freeze()`; 3.12 also parks
    /// some of its own static objects there).
    public var permanentObjects: Int
    public var permanentSize: UInt64
    /// Whether `objects`, `total_size` and `types` include the permanent generation.
    public var includesFrozen: Bool
    /// Python thread states (threads that ran Python code).
    public var threads: Int
    /// OS threads: `/proc/PID/task` entries when the process was stopped, or
    /// the core's `NT_PRSTATUS` notes.
    public var osThreads: Int
    public var types: [TypeCount]
    /// pymalloc's arenas; nil when they could not be read (``notes`` says why).
    public var arenas: Arenas? = nil
    /// The core file read, for a post-mortem census.
    public var coreFile: String? = nil
    /// Anything the reader should know about how the census was taken.
    public var notes: [String] = []

    enum CodingKeys: String, CodingKey {
        case python, pid, objects, attempts, generations, threads, types, arenas, notes
        case totalSize = "total_size", pauseMilliseconds = "pause_ms", walkMilliseconds = "walk_ms", copiedBytes = "copied_bytes"
        case permanentObjects = "permanent_objects", permanentSize = "permanent_size", includesFrozen = "includes_frozen"
        case osThreads = "os_threads", coreFile = "core_file"
    }

    public init(python: String, pid: Int32, objects: Int, totalSize: UInt64, pauseMilliseconds: Double, walkMilliseconds: Double,
                copiedBytes: UInt64, attempts: Int, generations: [Generation], permanentObjects: Int,
                permanentSize: UInt64, includesFrozen: Bool, threads: Int, osThreads: Int, types: [TypeCount],
                arenas: Arenas? = nil, coreFile: String? = nil, notes: [String] = []) {
        self.python = python; self.pid = pid; self.objects = objects; self.totalSize = totalSize
        self.pauseMilliseconds = pauseMilliseconds; self.walkMilliseconds = walkMilliseconds
        self.copiedBytes = copiedBytes; self.attempts = attempts
        self.generations = generations; self.permanentObjects = permanentObjects; self.permanentSize = permanentSize
        self.includesFrozen = includesFrozen; self.threads = threads; self.osThreads = osThreads; self.types = types
        self.arenas = arenas; self.coreFile = coreFile; self.notes = notes
    }
}
