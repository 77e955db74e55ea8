import Foundation
@testable import PythonProcess
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Census of a core file matches the target's own truth", .serialized)
struct CoreTests {
    /// The target's own view, taken while it waits (census_truth.py).
    struct Truth: Decodable { var objects: Int; var counts: [String: Int]; var tasks: Int; var arenas: Int }

    @Test("gcore of the LeakedThing target: 12,345 LeakedThing, objects within 0.1%, arenas and OS threads as the target counts them",
          arguments: PythonInterpreter.installed)
    func leakedThings(python: PythonInterpreter) throws {
        // GIVEN the LeakedThing heap waiting on a pipe, its truth taken, and a core of it written by gcore
        let target = try leakedThingTarget(python)
        let truth = try JSONDecoder().decode(Truth.self, from: Data(target.firstLine.utf8))
        let folder = try TestPaths.temporaryFolder("core")
        defer { try? FileManager.default.removeItem(at: folder) }
        let core = try writeCore(of: target.pid, in: folder)
        #expect(target.isRunningFreely)  // gcore resumed it
        kill(target.pid, SIGKILL)
        target.process.waitUntilExit()

        // WHEN memlens takes a census of the core, the process gone
        let (result, census) = try memlensJSON(["census", core, "--json", "--top", "100000"])
        try #require(result.status == 0, "\(result.stderr)")

        // THEN it agrees with what the target said of itself
        let rows = try #require(census["types"] as? [[String: Any]])
        let counts = Dictionary(rows.compactMap { row in (row["type"] as? String).map { ($0, row["count"] as? Int ?? 0) } }) { $0 + $1 }
        #expect(counts["leaked_thing.LeakedThing"] == 12_345)
        let objects = try #require(census["objects"] as? Int)
        #expect(abs(objects - truth.objects) * 1000 <= truth.objects, "core census \(objects), gc.get_objects() \(truth.objects)")
        let arenas = try #require(census["arenas"] as? [String: Any], "\(census["notes"] ?? "")")
        #expect(arenas["count"] as? Int == truth.arenas, "sys._debugmallocstats() says \(truth.arenas) arenas")
        #expect(census["os_threads"] as? Int == truth.tasks)
        #expect(census["pid"] as? Int == Int(target.pid))
        #expect(census["pause_ms"] as? Double == 0)
        #expect(census["core_file"] as? String == core)
        #expect(census["python"] as? String == python.version)
    }

    @Test("OS threads: a target with 3 waiting threads has 4, live and in its core", arguments: PythonInterpreter.installed.suffix(1))
    func osThreads(python: PythonInterpreter) throws {
        // GIVEN a target whose 3 extra threads wait on an event
        let target = try WaitingTarget(python, script: """
            import os, sys, threading
            done = threading.Event()
            for _ in range(3): threading.Thread(target=done.wait, daemon=True).start()
            print(len(os.listdir("/proc/self/task")), flush=True)
            sys.stdin.read(1)
            """)
        defer { target.finish() }
        try #require(target.firstLine == "4")

        // WHEN memlens takes a live census, then one of a core of it
        let (live, census) = try memlensJSON(["census", String(target.pid), "--json"])
        let folder = try TestPaths.temporaryFolder("core-threads")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (fromCore, coreCensus) = try memlensJSON(["census", try writeCore(of: target.pid, in: folder), "--json"])

        // THEN both count 4 OS threads and 4 Python thread states
        #expect(live.status == 0 && fromCore.status == 0, "\(live.stderr) \(fromCore.stderr)")
        for document in [census, coreCensus] {
            #expect(document["os_threads"] as? Int == 4)
            #expect(document["threads"] as? Int == 4)
        }
        #expect(target.isRunningFreely)
    }

    @Test("A core written mid-collection is walked and says so (the collecting flag set in a copy of the core)",
          arguments: PythonInterpreter.installed.suffix(1))
    func midCollection(python: PythonInterpreter) throws {
        // GIVEN a core of the LeakedThing target whose collector's `collecting` flag is then set to 1
        let target = try leakedThingTarget(python)
        defer { target.finish() }
        let live = try PythonProcess(pid: target.pid)
        let flag = try InterpreterState(image: live.image, memory: live.memory, pid: target.pid).collecting
        let folder = try TestPaths.temporaryFolder("core-collecting")
        defer { try? FileManager.default.removeItem(at: folder) }
        let core = try writeCore(of: target.pid, in: folder)
        let segment = try #require(try CoreFile(path: core).segments.first { $0.address <= flag && flag + 4 <= $0.address + $0.size })
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: core))
        try file.seek(toOffset: segment.fileOffset + (flag - segment.address))
        try file.write(contentsOf: Data([1, 0, 0, 0]))
        try file.close()

        // WHEN memlens reads it
        let (result, census) = try memlensJSON(["census", core, "--json", "--top", "100000"])

        // THEN the lists (intact) are walked, with a note that the collector was running
        #expect(result.status == 0, "\(result.stderr)")
        let notes = census["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("while the garbage collector ran") }, "\(notes)")
        let rows = census["types"] as? [[String: Any]] ?? []
        #expect(rows.first { $0["type"] as? String == "leaked_thing.LeakedThing" }?["count"] as? Int == 12_345)
    }

    /// `gcore -o folder/core PID`: the path of the core written.
    func writeCore(of pid: Int32, in folder: URL) throws -> String {
        let prefix = folder.appending(path: "core").path
        let gcore = try runCommand(["/usr/bin/gcore", "-o", prefix, String(pid)], timeoutSeconds: 120)
        let core = "\(prefix).\(pid)"
        try #require(gcore.status == 0 && FileManager.default.fileExists(atPath: core), "gcore: \(gcore.stderr)")
        return core
    }
}
