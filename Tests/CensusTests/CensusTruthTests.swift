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

    @Test("40 idle threads and a 1 GiB reservation written in one page: only resident memory is copied, the census still exact",
          arguments: PythonInterpreter.installed)
    func untouchedMemoryIsNotCopied(python: PythonInterpreter) throws {
        // GIVEN a process whose writable mappings are mostly never touched (8 MiB thread stacks, a reservation)
        let script = """
            import gc, json, mmap, sys, threading
            event = threading.Event()
            threads = [threading.Thread(target=event.wait, daemon=True) for _ in range(40)]
            for thread in threads: thread.start()
            reserved = mmap.mmap(-1, 1 << 30, flags=mmap.MAP_PRIVATE)
            reserved[:4096] = b"x" * 4096
            rss = int([line for line in open("/proc/self/status") if line.startswith("VmRSS")][0].split()[1]) * 1024
            print(json.dumps({"objects": len(gc.get_objects()), "rss": rss}), flush=True)
            sys.stdin.read(1)
            """
        let target = try WaitingTarget(python, script: script)
        defer { target.finish() }
        let truth = try #require(try JSONSerialization.jsonObject(with: Data(target.firstLine.utf8)) as? [String: Int])
        // WHEN memlens takes a census
        let (result, census) = try memlensJSON(["census", String(target.pid), "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        // THEN it copied no more than the target's resident memory (not the 1.3 GiB mapped), and missed no object
        let copied = try #require(census["copied_bytes"] as? Int), rss = try #require(truth["rss"])
        #expect(copied <= rss + (4 << 20), "copied \(copied >> 20) MiB, the target's RSS \(rss >> 20) MiB")
        let objects = try #require(census["objects"] as? Int), expected = try #require(truth["objects"])
        #expect(abs(objects - expected) <= expected / 1000 + 2, "census \(objects), gc.get_objects() \(expected)")
        #expect(census["os_threads"] as? Int == 41)
        #expect(target.isRunningFreely)
    }
}
