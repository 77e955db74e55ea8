public import HeapAnalysis
import HeapGraph

/// Renders `memlens frag FILE.mlh` (a ``SnapshotFragmentation``).
public struct FragSnapshotReport: Sendable {
    public var analysis: SnapshotFragmentation

    public init(_ analysis: SnapshotFragmentation) { self.analysis = analysis }

    var file: String { analysis.file }
    var metadata: SnapshotMetadata { analysis.metadata }
    var pools: SnapshotPools { analysis.pools }
    var pinners: [SnapshotFragmentation.Pinner] { analysis.pinners }
    var holders: PinnerHolders { analysis.holders }

    func size(_ bytes: UInt64) -> String { ByteFormat.string(bytes) }

    /// The report as text; `top` limits the pinner and holder rows.
    public func text(top: Int) -> String {
        let p = pools
        let percent = Int((p.threshold * 100).rounded())
        let process = metadata.pid.map { ", process \($0)" } ?? ""
        var out = "Snapshot \(file) (Python \(metadata.python ?? "?")\(process)): \(p.smallObjects + p.largeObjects) objects\n"
        out += "  in pymalloc blocks: \(p.smallObjects) objects, \(size(p.smallBytes)), in \(p.pools.count) pools of \(size(p.poolBytes))"
            + " within \(p.windows.count) arena-sized windows (\(size(p.arenaBytes)))\n"
        out += "  larger than 512 B (glibc malloc): \(p.largeObjects) objects, \(size(p.largeBytes))\n\n"
        let buckets = p.windowOccupancy
        let most = max(buckets.max() ?? 1, 1)
        out += "Windows by the fraction their objects use\n"
        for (i, count) in buckets.enumerated() {
            let bar = String(repeating: "█", count: count == 0 ? 0 : max(1, count * 40 / most))
            out += FragReport.pad("\(i * 10)–\(i * 10 + 10)%", 8) + " " + FragReport.pad(String(count), 6) + " " + bar + "\n"
        }
        let sparse = p.sparseWindows
        out += "\nSparse windows: \(sparse.count) of \(p.windows.count) hold objects using at most \(percent)% of them "
            + "(\(p.sparsePools.count) pools at most \(percent)% used); their \(p.pinners.count) objects keep up to "
            + "\(size(UInt64(sparse.count) * p.arenaBytes)) of arenas mapped.\n"
        if !pinners.isEmpty {
            out += FragReport.pad("Objects", 9) + " " + FragReport.pad("Bytes", 10) + " " + FragReport.pad("Windows", 8) + "  Type\n"
            for pinner in pinners.prefix(top) {
                out += FragReport.pad(String(pinner.objects), 9) + " " + FragReport.pad(size(pinner.bytes), 10) + " "
                    + FragReport.pad(String(pinner.windows), 8) + "  " + pinner.type + "\n"
            }
            out += "\n" + holders.text(top: top, unit: "window")
        }
        out += "\nA snapshot records objects, not arenas: windows stand in for arenas, and buffers and dict key tables "
            + "that share the pools are not counted, so occupancy here is a lower bound. `memlens frag PID` reads the real arenas.\n"
        return out
    }

    /// The report as one JSON document.
    public func json() throws -> String {
        struct Regions: Encodable { var count: Int; var sparse: Int; var bytes: UInt64 }
        struct Document: Encodable {
            var snapshot: String; var python: String?; var pid: Int?; var pinned_threshold: Double
            var small_objects: Int; var small_bytes: UInt64; var large_objects: Int; var large_bytes: UInt64
            var pools: Regions; var windows: Regions; var window_occupancy: [Int]
            var pinned_windows: Int; var pinned_bytes: UInt64; var pinners: [SnapshotFragmentation.Pinner]
            var held_by: [PinnerHolders.Row]; var unreachable: Int
        }
        let p = pools
        return try JSONOutput.string(Document(
            snapshot: file, python: metadata.python, pid: metadata.pid, pinned_threshold: p.threshold,
            small_objects: p.smallObjects, small_bytes: p.smallBytes, large_objects: p.largeObjects, large_bytes: p.largeBytes,
            pools: Regions(count: p.pools.count, sparse: p.sparsePools.count, bytes: p.poolBytes),
            windows: Regions(count: p.windows.count, sparse: p.sparseWindows.count, bytes: p.arenaBytes),
            window_occupancy: p.windowOccupancy, pinned_windows: p.sparseWindows.count,
            pinned_bytes: UInt64(p.sparseWindows.count) * p.arenaBytes, pinners: pinners, held_by: holders.rows,
            unreachable: holders.unreachable))
    }
}
