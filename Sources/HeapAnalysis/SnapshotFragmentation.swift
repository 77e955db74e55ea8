public import HeapGraph

/// `memlens frag FILE.mlh`: which of a snapshot's objects sit in which pools
/// and arena-sized windows, the sparse windows, the types pinning them and
/// where those are held.
public struct SnapshotFragmentation: Sendable {
    /// Objects of one type in sparse windows.
    public struct Pinner: Sendable, Encodable {
        public var type: String
        public var objects: Int
        /// Σ block bytes.
        public var bytes: UInt64
        /// Sparse windows holding at least one.
        public var windows: Int
    }

    public var file: String
    public var metadata: SnapshotMetadata
    public var pools: SnapshotPools
    /// The type pinning the most windows first.
    public var pinners: [Pinner]
    public var holders: PinnerHolders

    /// Analyses `graph`, loaded from `file`: pools of `poolBytes`, windows of
    /// `arenaBytes`, sparse when at most `threshold` (0–1) of a window is used.
    public init(_ graph: HeapGraph, file: String, poolBytes: UInt64, arenaBytes: UInt64, threshold: Double) {
        self.file = file
        metadata = graph.metadata
        pools = SnapshotPools(graph, poolBytes: poolBytes, arenaBytes: arenaBytes, threshold: threshold)
        var byType: [String: (objects: Int, bytes: UInt64, windows: Set<UInt64>)] = [:]
        for index in pools.pinners {
            var entry = byType[graph.typeName(of: index)] ?? (0, 0, [])
            entry.objects += 1
            entry.bytes += SnapshotPools.blockBytes(graph, index) ?? 0
            entry.windows.insert(graph.addresses[index] & ~(arenaBytes - 1))
            byType[graph.typeName(of: index)] = entry
        }
        pinners = byType.map { Pinner(type: $0.key, objects: $0.value.objects, bytes: $0.value.bytes, windows: $0.value.windows.count) }
            .sorted { ($0.windows, $0.objects, $1.type) > ($1.windows, $1.objects, $0.type) }
        holders = PinnerHolders(pools.pinners, missing: 0, graph: graph, file: file) {
            Int(truncatingIfNeeded: graph.addresses[$0] / arenaBytes)
        }
    }
}
