import Foundation
import HeapGraph
import Testing
import TestSupport

@Suite("Snapshots match the target's own truth")
struct SnapshotTruthTests {
    @Test("12,345 LeakedThing, tracked type counts and (for types sized exactly) sizes equal gc.get_objects()",
          arguments: PythonInterpreter.installed)
    func leakedThings(python: PythonInterpreter) throws {
        // GIVEN a target that recorded its own truth, WHEN it snapshots itself under memlens run
        let (graph, truth, _) = try snapshotLeakedThings(python, label: "truth")

        // THEN the snapshot holds exactly what gc.get_objects() saw
        var trackedCounts: [String: Int] = [:], trackedSizes: [String: UInt64] = [:]
        var trackedObjects = 0
        var approximate: Set<String> = []
        var leaked = 0
        for i in 0..<graph.count {
            let name = graph.typeName(of: i)
            if name == "__main__.LeakedThing" { leaked += 1 }
            guard graph.flags[i].contains(.gcTracked) else { continue }
            trackedCounts[name, default: 0] += 1
            trackedObjects += 1
            trackedSizes[name, default: 0] += graph.sizes[i]
            if graph.flags[i].contains(.approximateSize) { approximate.insert(name) }
        }
        #expect(leaked == 12_345)
        let top = truth.types.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(20)
        for (type, count) in top {
            #expect(trackedCounts[type] == count, "\(type) on \(python)")
        }
        #expect(trackedObjects == truth.objects)
        // Each type memlens sizes exactly has the target's sys.getsizeof total (those it flags approximate,
        // such as 3.11+ generators, whose size depends on their code, are named).
        for (type, size) in truth.sizes where !approximate.contains(type) {
            #expect(trackedSizes[type] == size, "\(type) on \(python): \(trackedSizes[type] ?? 0) bytes, sys.getsizeof \(size)")
        }
        #expect(approximate.isSubset(of: ["generator", "coroutine", "async_generator", "frame"]), "\(python): \(approximate)")
        #expect(graph.metadata.python == python.version)
        #expect(graph.unresolvedEdgeCount == 0)
    }

    @Test("A dump leaves the target's object count and RSS as they were", arguments: PythonInterpreter.installed)
    func dumpHasNoLastingEffect(python: PythonInterpreter) throws {
        // GIVEN a target that dumps itself twice WHEN we compare before and after the second dump
        let folder = try TestPaths.temporaryFolder("side-\(python.minor)")
        let environment = ProcessInfo.processInfo.environment.merging(
            ["PYTHONPATH": TestPaths.packageRoot.appending(path: "python").path]) { $1 }
        let result = try runCommand(
            [python.path, try fixture("dump_side_effects.py"), folder.appending(path: "side.mlh").path],
            environment: environment)
        try #require(result.status == 0, "\(result.stderr)")
        struct Effects: Decodable { var objects_before, objects_after, rss_before, rss_after, dumped: Int }
        let effects = try JSONDecoder().decode(Effects.self, from: Data(result.stdout.utf8))
        // THEN nothing the dump made outlives it
        #expect(abs(effects.objects_after - effects.objects_before) <= 2)
        #expect(effects.rss_after - effects.rss_before <= 4 << 20, "RSS grew \(effects.rss_after - effects.rss_before) bytes")
        #expect(effects.dumped > 200_000)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appending(path: "side.mlh").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
