import Foundation
import Testing
import TestSupport

/// Every time option (`--timeout`, `--duration`, `--every`, `--interval`,
/// `--census-every`, `--idle-timeout`, `--after`) goes through one parser,
/// bounded to a week: an absurd value is a usage error (exit 64) before
/// memlens touches a process, never a trap after gdb attached.
@Suite("Durations are bounded when parsed")
struct DurationBoundTests {
    /// Exit 64, one `Error:` line naming the value, no Swift trap.
    func expectUsageError(_ arguments: [String]) throws {
        let result = try runCommand([TestPaths.memlens] + arguments, timeoutSeconds: 30)
        #expect(result.status == 64, "\(arguments): exit \(result.status), \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(arguments): \(result.stderr)")
    }

    @Test("NaN, infinity, negative, zero and more than a week: exit 64 for every time option", arguments: [
        ["snapshot", "1", "--agent", "--timeout", "1e19"], ["gc", "1", "--duration", "1e19s"], ["gc", "1", "--timeout", "inf"],
        ["alloc", "1", "--duration", "1e19s"], ["alloc", "1", "--duration", "nan"], ["alloc", "1", "--timeout", "-1s"],
        ["census", "1", "--every", "1e19"], ["frag", "1", "--timeout", "169h"], ["watch", "1", "--interval", "1e300ms"],
        ["watch", "1", "--duration", "10081m"], ["watch", "1", "--census-every", "0"],
        ["serve", "--pid", "1", "--census-every", "1e19"], ["serve", "--pid", "1", "--idle-timeout", "1e19"],
        ["footprint", "--after", "1e19", "--", "true"], ["footprint", "--after", "-1", "--", "true"],
    ])
    func refused(arguments: [String]) throws {
        try expectUsageError(arguments)
    }

    @Test("A week is accepted: the command goes on to the process (and finds none)")
    func aWeekIsAccepted() throws {
        for arguments in [["gc", "999999", "--duration", "168h"], ["alloc", "999999", "--duration", "604800", "--timeout", "10080m"]] {
            let result = try runCommand([TestPaths.memlens] + arguments, timeoutSeconds: 30)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("no such process: 999999"), "\(arguments): \(result.stderr)")
        }
    }

    /// The `memlens-gdb-*` and `memlens-attach-*` folders in /tmp now.
    func agentFolders() -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        return Set(names.filter { $0.hasPrefix("memlens-gdb-") || $0.hasPrefix("memlens-attach-") })
    }

    @Test("gc, alloc and snapshot --agent with a huge duration: refused, the target untouched",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func hugeDurationLeavesTheTargetAlone() throws {
        let python = try #require(PythonInterpreter.installed.last)
        // GIVEN an idle target that records its gc.callbacks and tracemalloc state
        let target = try AttachTarget(python, mode: "idle", label: "huge-duration", script: "observe_target.py")
        let before = agentFolders()
        let scratch = try TestPaths.temporaryFolder("huge-duration-tmp")
        // WHEN gc, alloc and snapshot --agent are asked for 1e19 seconds
        for arguments in [["gc", String(target.pid), "--duration", "1e19s"], ["alloc", String(target.pid), "--duration", "1e19s"],
                          ["snapshot", String(target.pid), "--agent", "--timeout", "1e19", "-o", scratch.path + "/x.mlh"]] {
            let result = try runCommand([TestPaths.memlens] + arguments, environment: ["TMPDIR": scratch.path, "PATH": "/usr/bin:/bin"],
                                        timeoutSeconds: 60)
            // THEN each is a usage error
            #expect(result.status == 64, "\(arguments): exit \(result.status), \(result.stderr)")
        }
        // AND no agent folder was made, and the target's collector and tracemalloc are as they were
        #expect(agentFolders().subtracting(before).isEmpty, "\(agentFolders().subtracting(before))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
        let (same, _, report) = try target.finish()
        struct State: Decodable { var callbacks: Int; var tracing: Bool }
        struct After: Decodable { var before: State; var after: State }
        let after = try JSONDecoder().decode(After.self, from: Data(report.utf8))
        #expect(same, "\(report)")
        #expect(after.after.callbacks == after.before.callbacks, "\(report)")
        #expect(!after.after.tracing, "\(report)")
    }
}
