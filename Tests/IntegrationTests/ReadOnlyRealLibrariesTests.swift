import Foundation
import HeapGraph
import Testing
import TestSupport

/// `memlens snapshot PID` on a heap of real libraries, judged against the agent's dump of the same paused
/// process as ``ReadOnlySnapshotTests`` judges the small heap: a suite of its own (serialized within), so that
/// it runs beside that one, not after it (CI's longest chain was the two in one serialized suite).
@Suite("memlens snapshot PID on a real-library heap: read-only against the agent", .serialized)
struct ReadOnlyRealLibrariesTests {
    /// sympy and docutils at work, installed into a venv by the test.
    @Test("A real-library heap: the same comparison as on the small heap, ≤ 1% of objects scanned conservatively",
          .timeLimit(.minutes(10)), arguments: PythonInterpreter.withModern)
    func realLibraries(python: PythonInterpreter) throws {
        // GIVEN sympy and docutils in a venv of this Python (kept under .build between runs; 3.14/3.15: in the sid root)
        let venvPython = try PythonVenv.python(named: "sympy-docutils", packages: ["sympy", "docutils"], base: python)
        let folder = try TestPaths.temporaryFolder("readonly-libraries-\(python.minor)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let agentPath = folder.appending(path: "agent.mlh").path, readOnlyPath = folder.appending(path: "readonly.mlh").path
        let target = try WaitingTarget(executable: venvPython, arguments: [try fixture("readonly_target.py"), "libraries", agentPath],
                                       environment: ["PYTHONPATH": TestPaths.packageRoot.appending(path: "python").path])
        defer { target.finish() }

        // WHEN memlens reads it from outside, after the agent's own dump
        let result = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", readOnlyPath])
        try #require(result.status == 0, "\(result.stderr)")

        // THEN the snapshots agree as on the small heap, with few conservative scans
        let readOnly = try SnapshotLoader.load(path: readOnlyPath)
        let comparison = SnapshotComparison(agent: try SnapshotLoader.load(path: agentPath), readOnly: readOnly)
        print("Python \(python.version), sympy + docutils: \(comparison.summary)")
        // and few bytes whose size memlens could only approximate (issue 27: ≤ 0.5% of the total)
        let total = readOnly.totalSizeBytes
        let approximate = readOnly.metadata.approximateBytes ?? 0
        let share = Double(approximate) / Double(max(total, 1))
        print("Python \(python.version), sympy + docutils: approximate sizes \(readOnly.metadata.approximateSizes ?? 0) objects, "
              + "\(approximate) of \(total) bytes (\(String(format: "%.3f", share * 100))%)")
        #expect(readOnly.metadata.approximateBytes != nil, "the read-only snapshot records its approximate bytes")
        #expect(share <= 0.005, "approximate \(approximate) of \(total) bytes")
        #expect(comparison.presentShare >= 0.999, "\(comparison.summary)")
        #expect(comparison.equalReferentShare >= 0.995, "\(comparison.summary)")
        #expect(comparison.topTypesOff.isEmpty, "\(comparison.topTypesOff)")
        #expect(comparison.conservativeShare <= 0.01, "\(comparison.summary)")
        #expect(target.isRunningFreely)
    }
}
