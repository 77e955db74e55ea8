import Foundation
import Testing
import TestSupport

/// `memlens frag PID` against the seed's example on every Python
/// 3.8–3.15, compared with what the target reports about itself.
@Suite(.serialized) struct FragLiveTests {
    static let pythons = PythonInterpreter.withModern

    /// GIVEN the example at a small scale keeping 1 string in 1,000, WHEN memlens
    /// reads it, THEN the arena count is the one `sys._debugmallocstats()` prints,
    /// allocated bytes agree, the survivors are named as the pinners, the SVG
    /// marks every pinned arena, and the target runs on, unstopped.
    @Test(arguments: pythons)
    func arenasMatchTheTargetsOwnCount(python: PythonInterpreter) throws {
        let target = try FragTarget(python, scale: 0.1, keepEvery: 1000)
        let svg = try TestPaths.temporaryFolder("frag-svg").appending(path: "arenas.svg").path
        let (result, json) = try memlensJSON(["frag", String(target.pid), "--json", "--svg", svg])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(target.state() != "t" && target.state() != "T")
        let truth = try target.debugMallocStats()
        let arenas = try #require(json["arenas"] as? [String: Any])
        #expect(arenas["count"] as? Int == truth.arenas)
        let used = try #require(arenas["used"] as? Double)
        // The target allocates a little to answer "stats" after memlens read it.
        #expect(abs(used - Double(truth.allocatedBytes)) <= 0.02 * Double(truth.allocatedBytes) + 65536)

        let survivors = Set(target.ask("ids").split(separator: " ").dropFirst().map { "0x" + $0 })
        #expect(survivors.count > 50)
        let pinned = try #require(json["pinned_objects"] as? [[String: Any]])
        let named = pinned.filter { survivors.contains($0["address"] as? String ?? "") }
        #expect(named.allSatisfy { $0["type"] as? String == "str" })
        // Survivors sit in arenas that are nearly empty, so (nearly) all are found as pinners.
        #expect(Double(named.count) >= 0.9 * Double(survivors.count), "\(named.count) of \(survivors.count) survivors named")
        let pinners = try #require(json["pinners"] as? [[String: Any]])
        #expect(pinners.first?["type"] as? String == "str")
        let marks = try String(contentsOfFile: svg, encoding: .utf8).components(separatedBy: "<title>pinned:").count - 1
        #expect(marks == json["pinned_arenas"] as? Int)
        #expect(target.rss() > 0)  // still answering
    }
}
