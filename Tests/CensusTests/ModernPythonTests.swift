import Foundation
import Testing
import TestSupport

/// Census, frag and the agent on Debian's CPython 3.14 and 3.15 (in the sid
/// root), against the target's own truth, as the 3.8–3.13 tests do.
@Suite("CPython 3.14 and 3.15 (Debian's, in a sid root)", .serialized)
struct ModernPythonTests {
    /// 12,345 LeakedThing and 30,000 lists; prints the collector's count and
    /// the arenas sys._debugmallocstats() reports, then blocks in read(2).
    static let script = """
        import gc, os, sys
        class LeakedThing: pass
        keep = [LeakedThing() for _ in range(12345)]
        lists = [[i] for i in range(30000)]
        strings = [str(i) * 20 for i in range(200000)]
        del strings[::2]
        r, w = os.pipe(); saved = os.dup(2); os.dup2(w, 2); sys._debugmallocstats(); os.dup2(saved, 2); os.close(w)
        stats = b""
        while chunk := os.read(r, 65536): stats += chunk
        arenas = [l for l in stats.decode().splitlines() if l.startswith("# arenas allocated current")][0].split()[-1]
        print(len(gc.get_objects()), arenas, flush=True)
        sys.stdin.read()
        """

    @Test("census: objects equal gc.get_objects() within 0.1%, LeakedThing exact; frag: arenas equal sys._debugmallocstats()",
          arguments: SidPython.installed)
    func censusAndArenas(python: SidPython) throws {
        // GIVEN a target blocked in read(2) that counted itself
        let target = try python.target(Self.script)
        defer { target.finish() }
        let truth = target.firstLine.split(separator: " ").compactMap { Int($0) }
        try #require(truth.count == 2, "target said: \(target.firstLine)")
        // WHEN memlens takes a census and reads the arenas from outside
        let (census, json) = try memlensJSON(["census", String(target.pid), "--json", "--top", "100000"])
        let (frag, fragJSON) = try memlensJSON(["frag", String(target.pid), "--json"])
        // THEN they agree with the target, and it carries on
        try #require(census.status == 0 && frag.status == 0, "\(census.stderr) \(frag.stderr)")
        #expect(target.isRunningFreely)
        let objects = json["objects"] as? Int ?? 0
        #expect(abs(objects - truth[0]) <= max(truth[0] / 1000, 1), "\(python): \(objects) vs \(truth[0])")
        let types = json["types"] as? [[String: Any]] ?? []
        #expect(types.first { $0["type"] as? String == "__main__.LeakedThing" }?["count"] as? Int == 12345)
        #expect((json["python"] as? String)?.hasPrefix(python.minor) == true)
        let arenas = (fragJSON["arenas"] as? [String: Any])?["count"] as? Int
        #expect(arenas == truth[1], "\(python): frag \(arenas ?? -1) arenas, sys._debugmallocstats() \(truth[1])")
        let censusArenas = (json["arenas"] as? [String: Any])?["count"] as? Int
        #expect(censusArenas == truth[1])
    }

    @Test("The agent through sys.remote_exec's protocol: gc, alloc and snapshot --agent", arguments: SidPython.installed)
    func agent(python: SidPython) throws {
        // GIVEN a target whose main thread runs bytecode (the agent needs a safe point)
        let target = try python.target("""
            import sys, threading, time
            class LeakedThing: pass
            keep = [LeakedThing() for _ in range(1000)]
            threading.Thread(target=lambda: (sys.stdin.read(), __import__('os')._exit(0)), daemon=True).start()
            print("ready", flush=True)
            grown = []
            while True:
                grown.append(bytearray(4096))
                time.sleep(0.02)
            """)
        defer { target.finish() }
        let folder = try TestPaths.temporaryFolder("modern-agent-\(python.minor)")
        let mlh = folder.appending(path: "agent.mlh").path
        // WHEN the agent commands run
        let gc = try runCommand([TestPaths.memlens, "gc", String(target.pid), "--duration", "1s"])
        let alloc = try runCommand([TestPaths.memlens, "alloc", String(target.pid), "--duration", "1s"])
        let agent = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "--agent", "-o", mlh])
        // THEN each did its work, and the target carries on
        #expect(gc.status == 0, "\(gc.stderr)")
        #expect(alloc.status == 0 && alloc.stdout.contains("<string>"), "\(alloc.stdout) \(alloc.stderr)")
        #expect(agent.status == 0, "\(agent.stderr)")
        let summary = try runCommand([TestPaths.memlens, "summary", mlh, "--top", "100000"])
        #expect(summary.stdout.contains("__main__.LeakedThing"), "\(summary.stdout)")
        #expect(target.isRunningFreely)
    }

    @Test("census of a gcore gives the live census's objects", arguments: SidPython.installed)
    func coreCensus(python: SidPython) throws {
        // GIVEN a quiescent target and its core
        let target = try python.target(Self.script)
        defer { target.finish() }
        let folder = try TestPaths.temporaryFolder("modern-core-\(python.minor)")
        let made = try runCommand(["/usr/bin/gcore", "-o", folder.appending(path: "core").path, String(target.pid)])
        try #require(made.status == 0, "gcore: \(made.stderr)")
        let core = folder.appending(path: "core.\(target.pid)").path
        // WHEN memlens reads the live process and the core
        let (live, liveJSON) = try memlensJSON(["census", String(target.pid), "--json"])
        let (dead, deadJSON) = try memlensJSON(["census", core, "--exe", python.hostPath("/usr/bin/python" + python.minor), "--json"])
        // THEN the same objects
        try #require(live.status == 0 && dead.status == 0, "\(live.stderr) \(dead.stderr)")
        #expect(deadJSON["objects"] as? Int == liveJSON["objects"] as? Int)
        #expect(deadJSON["total_size"] as? Int == liveJSON["total_size"] as? Int)
    }
}
