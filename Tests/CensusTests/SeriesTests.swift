import Foundation
import Testing
import TestSupport

@Suite("census --every: growth per type", .serialized)
struct SeriesTests {
    @Test("A type that grows between censuses is flagged; a constant one is not", arguments: PythonInterpreter.installed.suffix(2))
    func growth(python: PythonInterpreter) throws {
        // GIVEN a target adding 1,000 Leak objects every 100 ms next to 3,000 constant Kept
        let target = try WaitingTarget(python, script: """
            import sys, threading, time
            class Leak: pass
            class Kept: pass
            kept = [Kept() for _ in range(3000)]
            leaks = []
            def grow():
                while True:
                    leaks.extend(Leak() for _ in range(1000))
                    time.sleep(0.1)
            threading.Thread(target=grow, daemon=True).start()
            print("ready", flush=True)
            sys.stdin.read(1)
            """)
        defer { target.finish() }

        // WHEN memlens takes 4 censuses 400 ms apart
        let (result, document) = try memlensJSON(["census", String(target.pid), "--every", "400ms", "--count", "4", "--json"])
        try #require(result.status == 0, "\(result.stderr)")

        // THEN Leak grew every time (≈ 1,000 per 100 ms), Kept did not change
        let censuses = try #require(document["censuses"] as? [[String: Any]])
        #expect(censuses.count == 4)
        let growth = try #require(document["growth"] as? [[String: Any]])
        let leak = try #require(growth.first { $0["type"] as? String == "__main__.Leak" })
        #expect(leak["monotonic"] as? Bool == true)
        let delta = leak["count_delta"] as? Int ?? 0
        // At least the 1.2 s between the first and the last census; more when a loaded
        // machine stretches the censuses (the growth is per wall time), never absurdly more.
        #expect(delta >= 6_000 && delta <= 100_000, "Leak grew by \(delta)")
        #expect((leak["bytes_per_minute"] as? Double ?? 0) > 0)
        #expect(!growth.contains { $0["type"] as? String == "__main__.Kept" })
        #expect(result.stderr.contains("#4 "))
        #expect(target.isRunningFreely)
    }
}
