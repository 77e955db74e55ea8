import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A process memlens cannot measure gives one clear line on stderr, nothing on stdout, exit 1.
/// (A hang is caught by each command's own timeout; the suite's limit is generous because on two cores
/// its tests may wait behind others that hold the test runner's threads, as a CI run showed.)
@Suite(.serialized, .timeLimit(.minutes(10)))
struct FootprintBadInputTests {
    static let python = PythonInterpreter.installed.last

    static func expectOneLineFailure(_ result: CommandResult, mentioning words: String) {
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains(words), "\(result.stderr)")
    }

    @Test(arguments: [["footprint"], ["footprint", "--totals"], ["footprint", "--json"]])
    func nonexistentPID(_ command: [String]) throws {
        // Above PID_MAX_LIMIT (2^22): never a live pid.
        let result = try runCommand([TestPaths.memlens] + command + ["4194305"])
        Self.expectOneLineFailure(result, mentioning: "no process with pid 4194305")
    }

    @Test func nonexistentRootOfATree() throws {
        let result = try runCommand([TestPaths.memlens, "footprint", "--children", "4194305"])
        Self.expectOneLineFailure(result, mentioning: "no process with pid 4194305")
    }

    @Test(.enabled(if: python != nil))
    func zombie() throws {
        // GIVEN a child that exited and that its parent does not reap
        let target = try WaitingTarget(try #require(Self.python), script: """
            import os, sys, time
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            while open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] != "Z":
                time.sleep(0.01)
            sys.stdout.write("%d\\n" % pid); sys.stdout.flush()
            sys.stdin.read()
            """)
        defer { target.finish() }
        let zombie = try #require(Int32(target.firstLine))
        let result = try runCommand([TestPaths.memlens, "footprint", String(zombie)])
        Self.expectOneLineFailure(result, mentioning: "zombie")
    }

    @Test(.enabled(if: python != nil && getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func processOfAnotherUser() throws {
        // GIVEN a root-owned target, and memlens running as nobody
        let target = try WaitingTarget(try #require(Self.python), script: """
            import sys
            sys.stdout.write("ready\\n"); sys.stdout.flush()
            sys.stdin.read()
            """)
        defer { target.finish() }
        let result = try runCommand([
            "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            TestPaths.memlens, "footprint", String(target.pid),
        ])
        Self.expectOneLineFailure(result, mentioning: "permission denied")
        #expect(result.stderr.contains("same user"))
    }

    @Test func usageErrors() throws {
        let none = try runCommand([TestPaths.memlens, "footprint"])
        #expect(none.status == 64)
        let both = try runCommand([TestPaths.memlens, "footprint", "1", "--children", "1"])
        #expect(both.status == 64)
        let totalsBy = try runCommand([TestPaths.memlens, "footprint", "1", "--totals", "--by", "library"])
        #expect(totalsBy.status == 64)
    }
}
