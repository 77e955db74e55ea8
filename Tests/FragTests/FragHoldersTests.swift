import Foundation
import Testing
import TestSupport

/// `memlens frag PID --snapshot FILE`: where the objects pinning arenas are
/// held, on every installed Python 3.8–3.13, against the target's own ids.
@Suite(.serialized) struct FragHoldersTests {
    /// GIVEN the example keeping 1 string in 1,000 in a list, and a snapshot of
    /// it, WHEN memlens reads its arenas with that snapshot, THEN the holder it
    /// names for (nearly) every pinning survivor is the target's survivors list,
    /// by address; `--paths`, taking its own snapshot, says so in text; and the
    /// snapshot alone (`frag FILE.mlh`) finds about as many sparse windows as
    /// there are pinned arenas, pinned by the same list.
    @Test(arguments: FragLiveTests.pythons)
    func pinnersAreTracedToTheListHoldingThem(python: PythonInterpreter) throws {
        let target = try FragTarget(python, scale: 0.1, keepEvery: 1000)
        let snapshot = try TestPaths.temporaryFolder("frag-holders").appending(path: "target.mlh").path
        let taken = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", snapshot])
        try #require(taken.status == 0, "\(taken.stderr)")

        let (result, json) = try memlensJSON(["frag", String(target.pid), "--json", "--snapshot", snapshot])
        #expect(result.status == 0, "\(result.stderr)")
        let heldBy = try #require(json["held_by"] as? [String: Any])
        let survivors = Set(target.ask("ids").split(separator: " ").dropFirst().map { "0x" + $0 })
        let pinned = json["pinned_objects"] as? [[String: Any]] ?? []
        let pinnedSurvivors = pinned.filter { survivors.contains($0["address"] as? String ?? "") }.count
        #expect(pinnedSurvivors > 50)
        let holders = try #require(heldBy["holders"] as? [[String: Any]])
        let top = try #require(holders.first)
        let holder = "0x" + (target.ask("holder").split(separator: " ").last.map(String.init) ?? "?")
        #expect(top["type"] as? String == "str")
        #expect(top["holder"] as? String == holder, "\(holders.prefix(3))")
        #expect(Double(top["objects"] as? Int ?? 0) >= 0.95 * Double(pinnedSurvivors), "\(top) of \(pinnedSurvivors) pinned survivors")
        #expect(heldBy["unreachable"] as? Int == 0)

        // The snapshot alone: windows stand in for arenas, and the same list holds the pinners.
        let (alone, estimate) = try memlensJSON(["frag", snapshot, "--json"])
        #expect(alone.status == 0, "\(alone.stderr)")
        let pinnedArenas = try #require(json["pinned_arenas"] as? Int)
        let pinnedWindows = try #require(estimate["pinned_windows"] as? Int)
        #expect(abs(pinnedWindows - pinnedArenas) <= pinnedArenas / 5 + 3, "\(pinnedWindows) windows vs \(pinnedArenas) arenas")
        #expect((estimate["pinners"] as? [[String: Any]])?.first?["type"] as? String == "str")
        let estimated = try #require((estimate["held_by"] as? [[String: Any]])?.first)
        #expect(estimated["holder"] as? String == holder && estimated["type"] as? String == "str", "\(estimated)")

        // --paths takes its own snapshot after reading the arenas, and deletes it.
        let text = try runCommand([TestPaths.memlens, "frag", String(target.pid), "--paths"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains(" str in "), "\(text.stdout)")
        #expect(text.stdout.contains("list \(holder)"))
    }

    /// GIVEN a process with pinned arenas whose main thread is blocked reading
    /// stdin (no safe point, where the agent could not run), WHEN `--paths`
    /// reads its heap from outside, THEN the holders are found, memlens exits 0,
    /// and the target runs on.
    @Test(.enabled(if: PythonInterpreter.has("3.11")))
    func pathsWithTheMainThreadBlockedInRead() throws {
        let python = try #require(PythonInterpreter.named("3.11"))
        let target = try WaitingTarget(python, script: """
            import sys
            strings = [" " * (i % 400 + 16) for i in range(300000)]
            survivors = strings[::1000]
            del strings
            print("ready", flush=True)
            sys.stdin.read()
            """)
        let (result, json) = try memlensJSON(["frag", String(target.pid), "--paths", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((json["pinned_arenas"] as? Int ?? 0) > 10, "\(result.stdout.prefix(300))")
        let heldBy = try #require(json["held_by"] as? [String: Any])
        let top = try #require((heldBy["holders"] as? [[String: Any]])?.first)
        #expect((top["path"] as? [String])?.contains("['survivors']") == true, "\(top)")
        #expect(target.isRunningFreely)
    }
}
