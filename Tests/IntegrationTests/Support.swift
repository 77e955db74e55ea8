import Foundation
import HeapGraph
import Testing
import TestSupport

/// A fixture script's path in the test bundle.
func fixture(_ name: String) throws -> String {
    let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return folder.appending(path: name).path
}

/// The snapshot paths memlens reported on stderr (`memlens: snapshot PATH objects=…`).
func reportedSnapshots(_ stderr: String) -> [String] {
    stderr.split(separator: "\n").compactMap { line in
        guard let start = line.range(of: "memlens: snapshot ") else { return nil }
        let rest = line[start.upperBound...]
        return String(rest[..<(rest.range(of: " objects=")?.lowerBound ?? rest.endIndex)])
    }
}

/// Runs the leaked-thing target under `memlens run` on `python`; returns the snapshot and the target's truth.
func snapshotLeakedThings(_ python: PythonInterpreter, label: String) throws -> (HeapGraph, Truth, URL) {
    let folder = try TestPaths.temporaryFolder("\(label)-\(python.minor)")
    let truthPath = folder.appending(path: "truth.json").path
    let result = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("leaked_thing.py"), truthPath])
    #expect(result.status == 0, "memlens run failed: \(result.stderr)")
    let snapshots = reportedSnapshots(result.stderr)
    try #require(snapshots.count == 1, "expected one snapshot, stderr: \(result.stderr)")
    let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: truthPath)))
    return (try SnapshotLoader.load(path: snapshots[0]), truth, folder)
}

/// The leaked-thing target's snapshot on the newest interpreter: its path and folder (fails when no interpreter is found).
func leakedThingSnapshotFile(label: String) throws -> (mlh: String, folder: URL, graph: HeapGraph) {
    let python = try #require(PythonInterpreter.installed.last, "no pyenv Python 3.8–3.13 found")
    let (graph, _, folder) = try snapshotLeakedThings(python, label: label)
    let snapshot = try #require(FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".mlh") })
    return (folder.appending(path: snapshot).path, folder, graph)
}

/// What a target measured of itself with gc.get_objects() and sys.getsizeof.
struct Truth: Decodable {
    var objects: Int
    var types: [String: Int]
    /// `sys.getsizeof` totals by type.
    var sizes: [String: UInt64]
}
