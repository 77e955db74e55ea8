/// A heap snapshot in memory: one row per object in struct-of-arrays form,
/// referents as a compressed sparse row (CSR) edge list of object indices.
///
/// Object `i` has address `addresses[i]`, type `typeNames[Int(typeIDs[i])]`,
/// size `sizes[i]` bytes (from `sys.getsizeof`), and referents
/// `edgeTargets[edgeStarts[i]..<edgeStarts[i + 1]]`. Costs about 40 bytes per
/// object plus 4 per edge.
public struct HeapGraph: Sendable {
    /// What the snapshot's header said about the process it came from.
    public var metadata: SnapshotMetadata
    /// Object addresses (`id()` in CPython).
    public internal(set) var addresses: [UInt64] = []
    /// Index into `typeNames` per object.
    public internal(set) var typeIDs: [UInt32] = []
    /// Distinct type names, `module.QualName` for non-builtin classes.
    public internal(set) var typeNames: [String] = []
    /// `sys.getsizeof` per object, in bytes.
    public internal(set) var sizes = SizeColumn()
    /// Reference count per object at dump time, not counting the agent's own references; 0 where unknown.
    public internal(set) var refcounts: [UInt32] = []
    /// Per-object flags (gc-tracked or not).
    public internal(set) var flags: [ObjectFlags] = []
    /// CSR offsets: object `i`'s referents are `edgeTargets[edgeStarts[i]..<edgeStarts[i + 1]]`.
    public internal(set) var edgeStarts: [UInt32] = [0]
    /// Referent object indices.
    public internal(set) var edgeTargets: [UInt32] = []
    /// Short values of str, bytes, int and float objects.
    public internal(set) var values = ValueStore()
    /// Named roots (sys.modules, modules, thread frames) as object indices.
    public internal(set) var roots: [Root] = []
    /// Free variable names of closures (function index → names, in `__closure__` order).
    public internal(set) var closureNames: [UInt32: [String]] = [:]
    /// Read-only snapshots of 3.11+: a class's instance attribute names, in the
    /// order of its shared keys (class object index → names), so an instance's
    /// inline values can be named.
    public internal(set) var attributeNames: [UInt32: [String]] = [:]
    /// Read-only snapshots: the variable each referent of a generator, coroutine or
    /// frame object is ("" for the others), by referent position (object index → names).
    public internal(set) var localNames: [UInt32: [String]] = [:]
    /// Names of the type objects that are in the snapshot (type object index → `module.Name`).
    public internal(set) var typeObjectNames: [UInt32: String] = [:]
    /// Referents whose address matched no object in the snapshot (dropped).
    public internal(set) var unresolvedEdgeCount = 0

    /// An empty graph with the given metadata.
    public init(metadata: SnapshotMetadata) {
        self.metadata = metadata
    }

    /// Number of objects.
    @inlinable public var count: Int { addresses.count }

    /// Number of edges.
    @inlinable public var edgeCount: Int { edgeTargets.count }

    /// Sum of all object sizes, in bytes.
    public var totalSizeBytes: UInt64 {
        sizes.reduce(0) { total, size in
            let (sum, overflow) = total.addingReportingOverflow(size)
            return overflow ? .max : sum   // sizes from a file are untrusted: the total saturates
        }
    }

    /// The type name of object `index`.
    @inlinable public func typeName(of index: Int) -> String { typeNames[Int(typeIDs[index])] }

    /// The referents of object `index`, as object indices.
    @inlinable public func referents(of index: Int) -> ArraySlice<UInt32> {
        edgeTargets[Int(edgeStarts[index])..<Int(edgeStarts[index + 1])]
    }
}

/// Facts about one object, one bit each.
public struct ObjectFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The object was tracked by the cyclic garbage collector (in `gc.get_objects()`).
    public static let gcTracked = ObjectFlags(rawValue: 1)
    /// Read-only snapshots: the referents were found by a conservative scan of
    /// the object's own bytes (an extension type whose layout memlens does not model).
    public static let conservativeReferents = ObjectFlags(rawValue: 2)
    /// Read-only snapshots: the size is `tp_basicsize` + `tp_itemsize` × length,
    /// not the type's own `__sizeof__` (which memlens does not model).
    public static let approximateSize = ObjectFlags(rawValue: 4)
    /// Read-only snapshots: the size counts memory the object owns apart from itself (a numpy array's
    /// data, a bytearray's or array.array's buffer, a BytesIO's bytes, a buffered file's buffer, deque blocks…).
    public static let ownsBuffer = ObjectFlags(rawValue: 8)
}

/// A named starting point of the object graph.
public struct Root: Sendable, Hashable, Codable {
    /// The object this root names.
    public var object: UInt32
    /// `sys.modules`, `module` or `thread`.
    public var kind: String
    /// Module name or thread id.
    public var name: String

    /// A root for object `object`.
    public init(object: UInt32, kind: String, name: String) {
        self.object = object
        self.kind = kind
        self.name = name
    }
}

/// The header of a snapshot: where and when it was taken.
public struct SnapshotMetadata: Sendable, Codable, Hashable {
    public var format: Int?
    /// Python version, e.g. `3.11.7`.
    public var python: String?
    public var implementation: String?
    public var pid: Int?
    public var argv: [String]?
    public var executable: String?
    /// Seconds since 1970 when the dump started.
    public var time: Double?
    /// Resident set size of the process when the dump started, in bytes.
    public var rssBytes: UInt64?
    /// Read-only snapshots: PSS, USS and private dirty bytes (`smaps_rollup`) just after the copy.
    public var pssBytes: UInt64?
    public var ussBytes: UInt64?
    public var privateDirtyBytes: UInt64?
    public var gcCounts: [Int]?
    public var gcThresholds: [Int]?
    public var gcFrozen: Int?
    /// Whether str/bytes/int/float values were recorded.
    public var values: Bool?
    public var pointerBytes: Int?
    /// Where the snapshot came from: `mlh` or `meliae`.
    public var source: String?
    /// How it was made: `agent` (code injected into the target; files without
    /// the key) or `read-only` (memory copied and walked from outside).
    public var method: String?
    /// Read-only snapshots: the target's pause for the copy, in milliseconds.
    public var pauseMilliseconds: Double?
    /// Read-only snapshots: objects whose referents come from a conservative scan, and those edges
    /// (and below, objects of approximate size). Read from a file, they are counted from its chunks' flags.
    public var conservativeObjects: Int?
    public var conservativeEdges: Int?
    public var approximateSizes: Int?
    /// Read-only snapshots: the bytes of the objects of approximate size (their sizes as recorded).
    public var approximateBytes: UInt64?
    /// Read-only snapshots: the bytes of the objects that own buffers (``ObjectFlags/ownsBuffer``), their buffers included.
    public var bufferOwnerBytes: UInt64?

    enum CodingKeys: String, CodingKey {
        case format, python, implementation, pid, argv, executable, time, values, source
        case rssBytes = "rss_bytes", gcCounts = "gc_counts", gcThresholds = "gc_thresholds"
        case gcFrozen = "gc_frozen", pointerBytes = "pointer_bytes", method
        case pauseMilliseconds = "pause_ms", conservativeObjects = "conservative_objects"
        case conservativeEdges = "conservative_edges", approximateSizes = "approximate_sizes"
        case approximateBytes = "approximate_bytes", bufferOwnerBytes = "buffer_owner_bytes"
        case pssBytes = "pss_bytes", ussBytes = "uss_bytes", privateDirtyBytes = "private_dirty_bytes"
    }

    /// Metadata with every field unknown.
    public init(source: String? = nil) {
        self.source = source
    }
}

extension HeapGraph {
    /// A graph made from arrays (for generators and tests): object `i` has
    /// `addresses[i]`, type `typeNames[typeIDs[i]]`, `sizes[i]`, and referents
    /// `edgeTargets[edgeStarts[i]..<edgeStarts[i + 1]]` (object indices).
    package init(
        addresses: [UInt64], typeIDs: [UInt32], typeNames: [String], sizes: [UInt64],
        edgeStarts: [UInt32], edgeTargets: [UInt32], roots: [Root], metadata: SnapshotMetadata = SnapshotMetadata()
    ) {
        self.init(metadata: metadata)
        self.addresses = addresses
        self.typeIDs = typeIDs
        self.typeNames = typeNames
        self.sizes = SizeColumn(sizes)
        self.refcounts = [UInt32](repeating: 0, count: addresses.count)
        self.flags = [ObjectFlags](repeating: .gcTracked, count: addresses.count)
        self.edgeStarts = edgeStarts
        self.edgeTargets = edgeTargets
        self.roots = roots
        values.reserveObjects(addresses.count)
    }
}
