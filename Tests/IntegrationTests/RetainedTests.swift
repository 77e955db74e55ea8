import Foundation
import Testing
import TestSupport

@Suite("Retained sizes on real targets")
struct RetainedTests {
    @Test("A cache dict retains exactly its list and strings, as the target summed them", arguments: PythonInterpreter.installed)
    func cacheRetainsItsContents(python: PythonInterpreter) throws {
        // GIVEN the target's own sum, WHEN memlens computes the dict's retained size
        let folder = try TestPaths.temporaryFolder("retained-\(python.minor)")
        let truthPath = folder.appending(path: "truth.json").path
        let run = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("cache_target.py"),
            truthPath])
        let snapshot = try #require(reportedSnapshots(run.stderr).first, "\(run.stderr)")
        struct Truth: Decodable { var address: String; var retained: UInt64 }
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: truthPath)))
        let result = try runCommand([TestPaths.memlens, "retained", snapshot, "--address", truth.address, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        struct Row: Decodable { var address: String; var type: String; var retained: UInt64 }
        let rows = try JSONDecoder().decode([String: [Row]].self, from: Data(result.stdout.utf8))["objects"] ?? []
        // THEN they agree to the byte
        #expect(rows.count == 1)
        #expect(rows.first?.type == "dict")
        #expect(rows.first?.retained == truth.retained)
    }

    @Test("An address that is not in the snapshot is a clear error", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func unknownAddress() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("retained-bad")
        let run = try runCommand([TestPaths.memlens, "run", "--snapshot-at-exit", "-o", folder.path, "--", python.path, "-c", "pass"])
        let snapshot = try #require(reportedSnapshots(run.stderr).first)
        let result = try runCommand([TestPaths.memlens, "retained", snapshot, "--address", "0x10"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no object at address 0x10"))
        let usage = try runCommand([TestPaths.memlens, "retained", snapshot, "--address", "zz"])
        #expect(usage.status == 64)
    }
}

@Suite("Diff and survivors on real targets")
struct DiffTests {
    @Test("Survivors of a phase are exactly what the target kept", arguments: PythonInterpreter.installed)
    func survivorsAreWhatWasKept(python: PythonInterpreter) throws {
        // GIVEN three snapshots around a phase that keeps 50 of its 50,000 strings
        let folder = try TestPaths.temporaryFolder("survivors-\(python.minor)")
        let truthPath = folder.appending(path: "kept.json").path
        let run = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("three_phases.py"),
            truthPath])
        let snapshots = reportedSnapshots(run.stderr)
        try #require(snapshots.count == 3, "\(run.stderr)")
        let kept = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: truthPath)))

        // WHEN memlens lists the survivors
        let result = try runCommand([TestPaths.memlens, "diff", snapshots[0], snapshots[1], snapshots[2], "--survivors", "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        struct Object: Decodable { var address: String; var type: String }
        struct Document: Decodable { var count: Int; var objects: [Object] }
        let document = try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8))

        // THEN they are exactly the kept list, the 50 Kept objects and their 50 strings
        let found = Set(document.objects.map(\.address))
        #expect(found == Set(kept), "extra: \(document.objects.filter { !kept.contains($0.address) }.map(\.type))")
        #expect(document.count == 101)

        // AND a plain diff of AFTER → LATER shows the 49,950 strings freed
        let diff = try runCommand([TestPaths.memlens, "diff", snapshots[1], snapshots[2], "--json"])
        struct Row: Decodable { var type: String; var freed_count: Int }
        struct Diff: Decodable { var types: [Row] }
        let rows = try JSONDecoder().decode(Diff.self, from: Data(diff.stdout.utf8)).types
        #expect((rows.first { $0.type == "str" }?.freed_count ?? 0) >= 49_950)
    }

    @Test("Snapshots of different Python versions cannot be diffed", .enabled(if: PythonInterpreter.installed.count >= 2))
    func differentVersions() throws {
        let folder = try TestPaths.temporaryFolder("diff-versions")
        var paths: [String] = []
        for python in [PythonInterpreter.installed.first!, PythonInterpreter.installed.last!] {
            let run = try runCommand([TestPaths.memlens, "run", "--snapshot-at-exit", "-o", folder.path, "--", python.path, "-c", "pass"])
            paths += reportedSnapshots(run.stderr)
        }
        try #require(paths.count == 2)
        let result = try runCommand([TestPaths.memlens, "diff", paths[0], paths[1]])
        #expect(result.status == 1)
        #expect(result.stderr.contains("different Python versions"))
        let usage = try runCommand([TestPaths.memlens, "diff", paths[0]])
        #expect(usage.status == 64)
    }
}
