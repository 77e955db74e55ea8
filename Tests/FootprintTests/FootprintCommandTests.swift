import Foundation
import Testing
import TestSupport

/// `memlens footprint -- CMD`: runs a Python command, measures it where it
/// pauses (at exit, or after `--after`), and passes its exit status through.
@Suite(.timeLimit(.minutes(3)))
struct FootprintCommandTests {
    /// Allocates and touches a 64 MiB bytearray held by a global.
    static let allocate = """
        import sys
        data = bytearray(64 << 20)
        for i in range(0, len(data), 4096):
            data[i] = 1
        print("allocated")
        """

    @Test(arguments: PythonInterpreter.installed)
    func measuresAtExitAndPassesTheStatusThrough(_ python: PythonInterpreter) throws {
        // GIVEN a command that touches 64 MiB, prints to stdout, then exits with status 7
        // WHEN memlens runs it
        let result = try runCommand([
            TestPaths.memlens, "footprint", "--json", "--", python.path, "-c", Self.allocate + "\nsys.exit(7)\n",
        ])
        // THEN the report (measured at exit, the bytearray still alive) counts it as writable
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\n\(result.stderr)")
        let writable = try #require(document["writable"] as? UInt64)
        #expect(writable >= 64 << 20, "writable \(writable)")
        #expect((document["rss"] as? UInt64 ?? 0) >= writable)
        #expect(((document["by_kind"] as? [String: UInt64])?["python_heap"] ?? 0) >= 64 << 20)
        #expect(document["pss_source"] as? String == "smaps_rollup")
        // AND memlens exits with the command's status; the command's stdout went to stderr
        #expect(result.status == 7, "\(result.stderr)")
        #expect(result.stderr.contains("allocated"))
        #expect(result.stderr.contains("measured pid \(document["pid"] as? Int32 ?? -1) at exit"))
    }

    @Test(.enabled(if: PythonInterpreter.installed.last != nil))
    func measuresAfterADelayWhileTheCommandRuns() throws {
        // GIVEN a command that allocates, then runs on for 5 s
        let python = try #require(PythonInterpreter.installed.last)
        let started = Date()
        let result = try runCommand([
            TestPaths.memlens, "footprint", "--after", "1.5", "--by", "library", "--", python.path, "-c",
            Self.allocate + "\nimport time\ntime.sleep(5)\nprint('finished')\n",
        ])
        // THEN it is measured after 1.5 s (text report), then left to finish normally
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("after 1.5 s"), "\(result.stderr)")
        #expect(result.stderr.contains("finished"))
        #expect(Date().timeIntervalSince(started) >= 5)
        #expect(result.stdout.contains("By library"))
        let writable = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("Writable") })
        #expect(writable.contains("MiB"), "\(writable)")
        let mib = Double(writable.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
        #expect(mib >= 64, "\(writable)")
    }

    @Test(.enabled(if: PythonInterpreter.installed.last != nil))
    func commandThatNeverPausesGivesOneLine() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let result = try runCommand([TestPaths.memlens, "footprint", "--", python.path, "-c", "import os; os._exit(4)"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: the command exited (status 4) without reaching the point of measurement"))
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test func usageErrors() throws {
        let both = try runCommand([TestPaths.memlens, "footprint", "1", "--", "/bin/true"])
        #expect(both.status == 64)
        let afterWithPID = try runCommand([TestPaths.memlens, "footprint", "1", "--after", "2"])
        #expect(afterWithPID.status == 64)
        let help = try runCommand([TestPaths.memlens, "footprint", "--help"])
        #expect(help.stdout.contains("about to exit"))
    }
}
