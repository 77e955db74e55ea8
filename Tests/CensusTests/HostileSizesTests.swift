import Foundation
import Testing
import TestSupport

/// Issue 23, crashes 1–3: a target that wrote nonsense into its own type and
/// object headers with ctypes. A class with `tp_basicsize` = -64 made the census
/// sum trap (`Census.swift`), a tuple with `ob_size` = 2^58 made the census
/// table's percentage trap (`part * 100`), and the read-only snapshot of either
/// made `summary` trap. Each command now exits 0; the corrupt class is named in a note.
@Suite("Hostile sizes: a corrupt tp_basicsize and a huge ob_size in a live target", .serialized)
struct HostileSizesTests {
    /// Corrupts a class and a tuple (GC off, so the target itself never looks),
    /// waits on stdin, then puts the old values back before it exits.
    static let script = """
        import ctypes, gc, sys
        gc.disable()
        class Corrupt: pass
        keep = [Corrupt() for _ in range(10)]
        big = (keep[0], keep[1], "x")
        basic = ctypes.c_ssize_t.from_address(id(Corrupt) + 32)   # tp_basicsize, 64-bit CPython 3.8-3.13
        size = ctypes.c_ssize_t.from_address(id(big) + 16)        # ob_size
        saved = (basic.value, size.value)
        basic.value, size.value = -64, 2 ** 58
        print("ready", flush=True)
        sys.stdin.read(1)
        basic.value, size.value = saved
        """

    /// Runs memlens and checks it neither trapped nor failed.
    static func memlens(_ arguments: [String]) throws -> CommandResult {
        let result = try runCommand([TestPaths.memlens] + arguments, timeoutSeconds: 120)
        #expect(result.status == 0, "memlens \(arguments.joined(separator: " ")): exit \(result.status): \(result.stderr)")
        return result
    }

    @Test("census, census --json: exit 0, the class named in a note", arguments: PythonInterpreter.installed)
    func census(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: Self.script)
        defer { target.finish() }
        let text = try Self.memlens(["census", String(target.pid)])
        #expect(text.stdout.contains("note: type __main__.Corrupt has a negative tp_basicsize"), "\(text.stdout)")
        #expect(text.stdout.contains("tuple"))
        let (json, document) = try memlensJSON(["census", String(target.pid), "--json", "--top", "100000"])
        #expect(json.status == 0, "\(json.stderr)")
        let types = try #require(document["types"] as? [[String: Any]])
        let corrupt = try #require(types.first { $0["type"] as? String == "__main__.Corrupt" })
        #expect(corrupt["count"] as? Int == 10)
        #expect(corrupt["size"] as? Int == 0)
        #expect(corrupt["exact"] as? Bool == false)
        #expect(target.isRunningFreely)
    }

    @Test("watch --census-every: exit 0 (the series' size deltas trapped too)", arguments: PythonInterpreter.installed.suffix(1))
    func watch(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: Self.script)
        defer { target.finish() }
        let html = try TestPaths.temporaryFolder("hostile-watch").appending(path: "watch.html").path
        _ = try Self.memlens(["watch", String(target.pid), "--census-every", "1s", "--duration", "3s", "-o", html])
        #expect(target.isRunningFreely)
    }

    @Test("census of a gcore of the target: exit 0, the class named", arguments: PythonInterpreter.installed.suffix(1))
    func core(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: Self.script)
        defer { target.finish() }
        let prefix = try TestPaths.temporaryFolder("hostile-core").appending(path: "core").path
        let gcore = try runCommand(["/usr/bin/gcore", "-o", prefix, String(target.pid)], timeoutSeconds: 120)
        try #require(gcore.status == 0, "gcore: \(gcore.stderr)")
        let text = try Self.memlens(["census", "\(prefix).\(target.pid)"])
        #expect(text.stdout.contains("note: type __main__.Corrupt has a negative tp_basicsize"), "\(text.stdout)")
    }

    @Test("read-only snapshot, then summary (and --collapse-dicts), report, diff: exit 0",
          arguments: PythonInterpreter.installed)
    func snapshot(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: Self.script)
        defer { target.finish() }
        let folder = try TestPaths.temporaryFolder("hostile-sizes")
        let path = folder.appending(path: "corrupt.mlh").path
        _ = try Self.memlens(["snapshot", String(target.pid), "-o", path])
        let summary = try Self.memlens(["summary", path])
        #expect(summary.stdout.contains("Corrupt"), "\(summary.stdout)")
        _ = try Self.memlens(["summary", path, "--collapse-dicts"])
        _ = try Self.memlens(["diff", path, path])
        _ = try Self.memlens(["report", path, "-o", folder.appending(path: "report.html").path])
        #expect(target.isRunningFreely)
    }
}
