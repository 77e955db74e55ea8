import Foundation
import Testing
import TestSupport

@Suite("Paths and referrers on real targets")
struct PathsTests {
    @Test("The path to a LeakedThing names the module, the closure variable and the index", arguments: PythonInterpreter.installed)
    func leakPath(python: PythonInterpreter) throws {
        // GIVEN a leak held by a module-level closure
        let folder = try TestPaths.temporaryFolder("paths-\(python.minor)")
        let run = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("leak_paths.py")])
        let snapshot = try #require(reportedSnapshots(run.stderr).first, "\(run.stderr)")
        // WHEN memlens explains why the instances are alive
        let result = try runCommand([TestPaths.memlens, "paths", snapshot, "--type", "__main__.LeakedThing", "--max", "3"])
        try #require(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        // THEN each path reads module __main__ → __dict__ → dict → ['leak'] → function … → closure cell 'items' → list → [i] → LeakedThing
        #expect(lines.count == 3)
        for line in lines {
            #expect(line.hasPrefix("module __main__ → __dict__ → dict 0x"), "\(line)")
            #expect(line.contains(" → ['leak'] → function make_leak.<locals>.leak → closure cell 'items' → list 0x"), "\(line)")
            #expect(line.contains(#/ → \[\d+\] → __main__\.LeakedThing 0x[0-9a-f]+$/#), "\(line)")
        }
        // AND the bare class name resolves to __main__.LeakedThing: the same paths
        let bare = try runCommand([TestPaths.memlens, "paths", snapshot, "--type", "LeakedThing", "--max", "3"])
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(bare.stdout == result.stdout)
        // AND DOT output is a graph of the same path
        let dot = try runCommand([TestPaths.memlens, "paths", snapshot, "--type", "__main__.LeakedThing", "--max", "1", "--dot"])
        #expect(dot.stdout.hasPrefix("digraph paths {"))
        #expect(dot.stdout.contains("label=\"['leak']\""))
    }

    @Test("Unknown type or address: a clear message, exit 1", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func badTargets() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("paths-bad")
        let run = try runCommand([TestPaths.memlens, "run", "--snapshot-at-exit", "-o", folder.path, "--", python.path, "-c", "pass"])
        let snapshot = try #require(reportedSnapshots(run.stderr).first)
        let type = try runCommand([TestPaths.memlens, "paths", snapshot, "--type", "NoSuchType"])
        #expect(type.status == 1)
        #expect(type.stderr.contains("no objects of type 'NoSuchType'"))
        let address = try runCommand([TestPaths.memlens, "referrers", snapshot, "--address", "0x10"])
        #expect(address.status == 1)
        #expect(address.stderr.contains("no object at address 0x10"))
        let both = try runCommand([TestPaths.memlens, "paths", snapshot])
        #expect(both.status == 64)
    }
}
