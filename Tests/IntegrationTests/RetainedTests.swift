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
        let run = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("cache_target.py"), truthPath])
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
