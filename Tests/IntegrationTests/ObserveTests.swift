import Foundation
import Testing
import TestSupport

/// `memlens gc PID` and `memlens alloc PID` against targets that keep their
/// own truth (Fixtures/observe_target.py).
@Suite("memlens gc and alloc: watching a running process", .serialized)
struct ObserveTests {
    /// What the target found about itself when it exited.
    struct After: Decodable {
        var same: Bool
        var freed_watched: Int
        var traced_bytes: Int
    }

    func finish(_ target: AttachTarget) throws -> After {
        let (same, _, report) = try target.finish()
        #expect(same, "the target's gc.callbacks, debug flags, gc.garbage, tracemalloc, modules, path or threads changed: \(report)")
        #expect(target.process.terminationStatus == 0)
        return try JSONDecoder().decode(After.self, from: Data(report.utf8))
    }

    func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("500 reference cycles a second: CycleThing counted as cyclic garbage within 5% of the target's finalizers",
          arguments: PythonInterpreter.installed)
    func cyclicGarbage(python: PythonInterpreter) throws {
        // GIVEN a target making 500 CycleThing cycles per second, counting their finalizers
        let target = try AttachTarget(python, mode: "cycles", label: "gc-cycles", script: "observe_target.py")
        // WHEN memlens watches its collector for 10 s
        let report = try json(runCommand([TestPaths.memlens, "gc", String(target.pid), "--duration", "10s", "--json"]))
        let after = try finish(target)
        // THEN CycleThing is the top cyclic garbage, counted as the target counted it
        let garbage = try #require(report["garbage_by_type"] as? [[String: Any]])
        let cycleThing = try #require(garbage.first { $0["type"] as? String == "__main__.CycleThing" }, "\(garbage)")
        let counted = try #require(cycleThing["count"] as? Int)
        #expect(after.freed_watched > 3000, "the target freed only \(after.freed_watched) while watched")
        #expect(abs(counted - after.freed_watched) <= after.freed_watched / 20,
            "memlens \(counted) vs target \(after.freed_watched) on \(python)")
        let collections = try #require(report["collections"] as? [[String: Any]])
        #expect((collections.first?["count"] as? Int ?? 0) > 0)
        let advice = try #require(report["advice"] as? [String])
        #expect(advice.contains { $0.contains("CycleThing") && $0.contains("reference cycles") }, "\(advice)")
    }

    @Test("1 MiB a second appended at a known line: alloc ranks it first, growth within 10%",
          arguments: PythonInterpreter.installed)
    func allocationSite(python: PythonInterpreter) throws {
        let script = try fixture("observe_target.py")
        let lines = try String(contentsOfFile: script, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("# ALLOC-LINE") }) + 1
        // GIVEN a target appending 128 KiB eight times a second
        let target = try AttachTarget(python, mode: "alloc", label: "alloc", script: "observe_target.py")
        // WHEN memlens traces it for 4 s
        let report = try json(runCommand([TestPaths.memlens, "alloc", String(target.pid), "--duration", "4s", "--top", "5", "--json"]))
        let after = try finish(target)
        // THEN the first site is that line, with what the target appended while traced
        let sites = try #require(report["sites"] as? [[String: Any]])
        let first = try #require(sites.first)
        #expect(first["file"] as? String == script, "\(sites)")
        #expect(first["line"] as? Int == line, "\(sites)")
        let growth = try #require(first["size_diff"] as? Int)
        #expect(after.traced_bytes > 3 << 20, "the target appended only \(after.traced_bytes) B while traced")
        #expect(abs(growth - after.traced_bytes) <= after.traced_bytes / 10,
            "memlens \(growth) vs target \(after.traced_bytes) on \(python)")
        #expect(report["started_tracing"] as? Bool == true)
    }

    @Test("2 M long-lived objects: the full-collection cost, and gc.freeze() as advised cuts it by ≥ 80%",
          arguments: PythonInterpreter.installed)
    func freezeAdvice(python: PythonInterpreter) throws {
        // GIVEN a target holding 2,000,000 long-lived lists
        let target = try AttachTarget(python, mode: "oldgen", label: "gc-oldgen", script: "observe_target.py")
        // WHEN memlens times a full collection
        let before = try json(runCommand([TestPaths.memlens, "gc", String(target.pid), "--duration", "1s", "--measure-full", "--json"]))
        let fullBefore = try #require(before["full_collection_ms"] as? Double)
        let advice = try #require(before["advice"] as? [String])
        // THEN it reports the cost and advises gc.freeze()
        #expect(advice.contains { $0.contains("gc.freeze()") && $0.contains("took") }, "\(advice)")
        // AND after the target follows that advice, a full collection costs ≥ 80% less
        FileManager.default.createFile(atPath: target.truthPath + ".freeze", contents: nil)
        let frozen = target.truthPath + ".frozen"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: frozen), Date() < deadline { usleep(50_000) }
        let after = try json(runCommand([TestPaths.memlens, "gc", String(target.pid), "--duration", "1s", "--measure-full", "--json"]))
        let fullAfter = try #require(after["full_collection_ms"] as? Double)
        #expect(fullAfter <= fullBefore * 0.2, "\(fullBefore) ms → \(fullAfter) ms on \(python)")
        #expect((after["permanent"] as? Int ?? 0) >= 2_000_000)
        // AND memlens's timing agrees with the target's own (same order of magnitude)
        struct Own: Decodable { var before_ms: Double }
        let own = try JSONDecoder().decode(Own.self, from: Data(contentsOf: URL(fileURLWithPath: frozen)))
        #expect(fullBefore > own.before_ms / 3 && fullBefore < own.before_ms * 3, "memlens \(fullBefore) ms vs target \(own.before_ms) ms")
        _ = try finish(target)
    }

    @Test("memlens.monitor() in the app logs growing types and new uncollectable garbage, by type",
          arguments: PythonInterpreter.installed)
    func inAppMonitor(python: PythonInterpreter) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = TestPaths.packageRoot.appending(path: "python").path
        let result = try runCommand([python.path, try fixture("monitor_check.py")], environment: environment)
        try #require(result.status == 0, "\(result.stderr)")
        struct Logged: Decodable { var lines: [String]; var threads: [String] }
        let logged = try JSONDecoder().decode(Logged.self, from: Data(result.stdout.utf8))
        #expect(logged.lines.contains { $0.contains("__main__.LeakyThing +") && $0.contains("in a row") }, "\(logged.lines)")
        #expect(logged.lines.contains { $0.contains("3 new uncollectable") && $0.contains("__main__.LeakyThing ×3") }, "\(logged.lines)")
        #expect(logged.threads == ["MainThread"], "the monitor's thread outlived stop()")
    }

    @Test("Errors: no such process, bad durations", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func errors() throws {
        let gone = try runCommand([TestPaths.memlens, "gc", "999999", "--duration", "1s"])
        #expect(gone.status == 1)
        #expect(gone.stderr.contains("no such process: 999999"), "\(gone.stderr)")
        let badDuration = try runCommand([TestPaths.memlens, "alloc", "1", "--duration", "soon"])
        #expect(badDuration.status == 64, "\(badDuration.stderr)")
    }
}
