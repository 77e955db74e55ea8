public import HeapGraph
import ProcessModels

/// Where a snapshot's objects sit in pymalloc's pools and arenas, from their
/// addresses alone (`memlens frag FILE.mlh`).
///
/// Pools are aligned to their size, so an object's pool is its address
/// rounded down. Arenas are not: a snapshot does not record them, so
/// arena-sized aligned address windows stand in for them. An object's block
/// is its header allocation (for list, dict, set and bytearray the header
/// alone; their storage is allocated apart), and only blocks of at most
/// 512 bytes come from pymalloc. A snapshot holds objects only, so buffers and
/// dict key tables that share the pools are not counted: occupancy here is a
/// lower bound.
public struct SnapshotPools: Sendable {
    /// One pool or window and the snapshot's blocks in it.
    public struct Region: Sendable {
        public var address: UInt64
        public var objects: Int
        /// Σ block sizes of those objects.
        public var bytes: UInt64
    }

    public var poolBytes: UInt64
    public var arenaBytes: UInt64
    /// The used fraction at or under which a pool or window counts as sparse.
    public var threshold: Double
    /// Pools holding at least one of the snapshot's objects, by address.
    public var pools: [Region]
    /// Arena-sized aligned windows holding at least one, by address.
    public var windows: [Region]
    /// Objects in pymalloc blocks, and their block bytes.
    public var smallObjects: Int
    public var smallBytes: UInt64
    /// Objects whose header is larger than 512 bytes (glibc malloc), and their sizes.
    public var largeObjects: Int
    public var largeBytes: UInt64
    /// Snapshot indices of the objects in sparse windows: what keeps those arenas mapped.
    public var pinners: [Int]

    /// The header size of the types whose storage is allocated apart (`sys.getsizeof` of an empty one, 3.8–3.13).
    static let headerBytes: [String: UInt64] = ["list": 56, "dict": 64, "set": 216, "frozenset": 216, "bytearray": 56]

    /// The pymalloc block holding object `index`'s header, or nil when it is not from pymalloc.
    public static func blockBytes(_ graph: HeapGraph, _ index: Int) -> UInt64? {
        let size = headerBytes[graph.typeName(of: index)] ?? graph.sizes[index]
        guard size > 0, size <= 512 else { return nil }
        return (size + 15) & ~15
    }

    /// Places every object of `graph` in pools of `poolBytes` and windows of `arenaBytes`.
    public init(_ graph: HeapGraph, poolBytes: UInt64, arenaBytes: UInt64, threshold: Double) {
        self.poolBytes = poolBytes
        self.arenaBytes = arenaBytes
        self.threshold = threshold
        var pools: [UInt64: Region] = [:]
        var windows: [UInt64: Region] = [:]
        var windowOf = [UInt64](repeating: 0, count: graph.count)
        (smallObjects, smallBytes, largeObjects, largeBytes) = (0, 0, 0, 0)
        for index in 0..<graph.count {
            let address = graph.addresses[index]
            guard let block = Self.blockBytes(graph, index) else {
                largeObjects += 1
                largeBytes = largeBytes.addingSaturated(graph.sizes[index])
                continue
            }
            smallObjects += 1
            smallBytes += block
            let pool = address & ~(poolBytes - 1), window = address & ~(arenaBytes - 1)
            pools[pool, default: Region(address: pool, objects: 0, bytes: 0)].objects += 1
            pools[pool]?.bytes += block
            windows[window, default: Region(address: window, objects: 0, bytes: 0)].objects += 1
            windows[window]?.bytes += block
            windowOf[index] = window
        }
        self.pools = pools.values.sorted { $0.address < $1.address }
        self.windows = windows.values.sorted { $0.address < $1.address }
        let sparse = Set(Self.sparse(self.windows, of: arenaBytes, threshold: threshold).map(\.address))
        pinners = (0..<graph.count).filter { windowOf[$0] != 0 && sparse.contains(windowOf[$0]) }
    }

    /// Windows at most `threshold` used.
    public var sparseWindows: [Region] { Self.sparse(windows, of: arenaBytes, threshold: threshold) }

    /// Pools at most `threshold` used.
    public var sparsePools: [Region] { Self.sparse(pools, of: poolBytes, threshold: threshold) }

    /// The regions of `size` bytes whose objects use at most `threshold` of them.
    static func sparse(_ regions: [Region], of size: UInt64, threshold: Double) -> [Region] {
        regions.filter { Double($0.bytes) <= threshold * Double(size) }
    }

    /// Windows by used fraction, in ten buckets (0–10 %, …, 90–100 %).
    public var windowOccupancy: [Int] {
        var buckets = [Int](repeating: 0, count: 10)
        for window in windows { buckets[min(9, Int(Double(window.bytes) / Double(arenaBytes) * 10))] += 1 }
        return buckets
    }
}
