import Foundation
import HeapGraph
import Testing
import TestSupport

/// census, snapshot, gc and alloc on Pythons without symbol tables: the
/// machine's `/usr/bin/python3` and stripped copies of pyenv 3.8–3.13
/// (`PythonInterpreter.withoutSymbols`; frag is in FragTests' StrippedFragTests).
@Suite("Every live-process command on Pythons without symbols", .serialized)
struct StrippedCommandsTests {
    @Test(.needsPython) func thereAreStrippedPythons() {
        #expect(PythonInterpreter.withoutSymbols.count >= 2, "neither /usr/bin/python3 nor a pyenv interpreter to strip: nothing tested")
    }

    func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// GIVEN a target appending 1 MiB a second at a known line, WHEN memlens
    /// takes a census (with its arena summary), a snapshot, and watches its
    /// collector and its allocations, THEN each works and the target is left as it was.
    @Test(arguments: PythonInterpreter.withoutSymbols)
    func commands(python: PythonInterpreter) throws {
        let script = try fixture("observe_target.py")
        let target = try AttachTarget(python, mode: "alloc", label: "stripped", script: "observe_target.py")
        let pid = String(target.pid)

        let census = try json(runCommand([TestPaths.memlens, "census", pid, "--json"]))
        #expect((census["objects"] as? Int ?? 0) > 1000)
        let arenas = try #require(census["arenas"] as? [String: Any], "no arena summary: \(census["notes"] ?? "")")
        #expect((arenas["count"] as? Int ?? 0) > 0)

        let output = target.folder.appending(path: "stripped.mlh").path
        let snapshot = try runCommand([TestPaths.memlens, "snapshot", pid, "-o", output])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        if snapshot.status == 0 { #expect(try SnapshotLoader.load(path: output).count > 1000) }

        let alloc = try json(runCommand([TestPaths.memlens, "alloc", pid, "--duration", "2s", "--top", "5", "--json"]))
        let sites = try #require(alloc["sites"] as? [[String: Any]])
        #expect(sites.first?["file"] as? String == script, "\(sites.prefix(2))")

        let gc = try json(runCommand([TestPaths.memlens, "gc", pid, "--duration", "2s", "--json"]))
        #expect(gc["collections"] is [[String: Any]])

        let (same, _, report) = try target.finish()
        #expect(same, "\(report)")
    }
}
