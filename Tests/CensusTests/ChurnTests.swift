import Foundation
import Testing
import TestSupport

@Suite("Censuses of a churning target", .serialized)
struct ChurnTests {
    @Test("20 censuses while two threads allocate and collect: all consistent, target never left stopped",
          .timeLimit(.minutes(3)), arguments: PythonInterpreter.installed)
    func churning(python: PythonInterpreter) throws {
        // GIVEN two threads allocating cycles and collecting them nonstop
        let target = try WaitingTarget(python, arguments: [try fixture("churn_target.py")])
        defer { target.finish() }
        var retried = 0
        for round in 0..<20 {
            // WHEN memlens takes a census at an arbitrary moment
            let (result, census) = try memlensJSON(["census", String(target.pid), "--json", "--top", "100000"])
            try #require(result.status == 0, "round \(round) on \(python): \(result.stderr)")
            // THEN it saw a consistent heap: the 5,000 objects that never change, all there
            let rows = census["types"] as? [[String: Any]] ?? []
            let stable = rows.first { $0["type"] as? String == "__main__.Stable" }
            #expect(stable?["count"] as? Int == 5000, "round \(round) on \(python)")
            let attempts = census["attempts"] as? Int ?? 0
            #expect(attempts >= 1)
            if attempts > 1 {
                retried += 1
                // a running collection, or a copy caught mid-change: either way one line says so
                #expect(result.stderr.contains("retrying") || result.stderr.contains("copying again"), "a retry is said")
            }
            // AND the target runs on
            #expect(target.isRunningFreely, "round \(round)")
        }
        print("\(python): \(retried) of 20 censuses retried")
    }
}
