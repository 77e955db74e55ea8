import Foundation
import Testing
import TestSupport

@Suite("Census of a live process matches the target's own truth", .serialized)
struct CensusTruthTests {
    /// The target's own view: `len(gc.get_objects())`, per type the count and Σ sys.getsizeof,
    /// its OS threads and `sys._debugmallocstats()`'s current arenas.
    struct Truth: Decodable { var objects: Int; var counts: [String: Int]; var sizes: [String: UInt64]; var tasks: Int; var arenas: Int }

    @Test("12,345 LeakedThing; object count within 0.1%; top 20 types' sizes within 1%; arenas and OS threads as the target counts them",
          arguments: PythonInterpreter.installed)
    func leakedThings(python: PythonInterpreter) throws {
        // GIVEN the LeakedThing heap, its truth taken, waiting on a pipe
        let target = try leakedThingTarget(python)
        defer { target.finish() }
        let truth = try JSONDecoder().decode(Truth.self, from: Data(target.firstLine.utf8))

        // WHEN memlens takes a census from outside
        let (result, census) = try memlensJSON(["census", String(target.pid), "--json", "--top", "100000"])
        try #require(result.status == 0, "\(result.stderr)")

        // THEN it agrees with the target, and left it running
        let rows = try #require(census["types"] as? [[String: Any]])
        var counts: [String: Int] = [:], sizes: [String: UInt64] = [:]
        for row in rows {
            guard let type = row["type"] as? String else { continue }
            counts[type] = row["count"] as? Int
            sizes[type] = (row["size"] as? NSNumber)?.uint64Value
        }
        #expect(counts["__main__.LeakedThing"] == nil)  // defined in leaked_thing, not __main__
        #expect(counts["leaked_thing.LeakedThing"] == 12_345)
        let objects = try #require(census["objects"] as? Int)
        #expect(abs(objects - truth.objects) * 1000 <= truth.objects, "census \(objects), gc.get_objects() \(truth.objects)")
        let top = truth.counts.sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(20)
        for (type, count) in top {
            #expect(counts[type] == count, "\(type) on \(python)")
            let expected = Double(truth.sizes[type] ?? 0), measured = Double(sizes[type] ?? 0)
            #expect(abs(measured - expected) <= expected / 100, "\(type): census \(measured) B, getsizeof \(expected) B")
        }
        #expect(census["python"] as? String == python.version)
        #expect((census["pause_ms"] as? Double ?? 0) > 0)
        #expect((census["generations"] as? [Any])?.count == 3)
        let arenas = try #require(census["arenas"] as? [String: Any], "\(census["notes"] ?? "")")
        #expect(arenas["count"] as? Int == truth.arenas, "sys._debugmallocstats() says \(truth.arenas) arenas")
        #expect(census["os_threads"] as? Int == truth.tasks)
        #expect(target.isRunningFreely)
    }
}
