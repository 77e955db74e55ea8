import Foundation
import PythonProcess
import Testing
import TestSupport

@Suite("Census errors: one clear line, exit 1, the target still running", .serialized)
struct CensusErrorTests {
    /// Runs `memlens census PID` (through `prefix`, e.g. setpriv) and checks the error shape.
    func failingCensus(_ pid: Int32, prefix: [String] = []) throws -> String {
        let result = try runCommand(prefix + [TestPaths.memlens, "census", String(pid)])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: "))
        return result.stderr
    }

    @Test("Not Python: a process with no _PyRuntime")
    func notPython() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["60"]
        try sleeper.run()
        defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
        let message = try failingCensus(sleeper.processIdentifier)
        #expect(message.contains("is not a CPython process"))
        #expect(sleeper.isRunning)
    }

    @Test("Unsupported version: named", .enabled(if: FileManager.default.isExecutableFile(atPath: Self.python37)))
    func unsupportedVersion() throws {
        let target = try WaitingTarget(executable: Self.python37,
            arguments: ["-c", "import sys; print(sys.version.split()[0], flush=True); sys.stdin.read(1)"])
        defer { target.finish() }
        let message = try failingCensus(target.pid)
        #expect(message.contains("runs Python \(target.firstLine)"), "\(message)")
        #expect(message.contains("3.8–3.13"))
        #expect(target.isRunningFreely)
    }

    /// A pyenv 3.7 (older than memlens reads), when present.
    static let python37 = NSHomeDirectory() + "/.pyenv/versions/3.7.16/bin/python3.7"

    @Test("Permission: another user's process, with what to do", arguments: PythonInterpreter.installed.suffix(1))
    func permission(python: PythonInterpreter) throws {
        try #require(getuid() == 0, "needs root to run memlens as another user")
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let message = try failingCensus(target.pid, prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        #expect(message.contains("permission denied"))
        #expect(message.contains("ptrace_scope") || message.contains("same user"))
        #expect(target.isRunningFreely)
    }

    @Test("Already traced: names the tracer", arguments: PythonInterpreter.installed.suffix(1))
    func alreadyTraced(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let strace = Process()
        strace.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        strace.arguments = ["-q", "-e", "trace=none", "-p", String(target.pid)]
        strace.standardError = FileHandle.nullDevice
        try strace.run()
        defer { kill(strace.processIdentifier, SIGKILL); strace.waitUntilExit() }
        for _ in 0..<100 where !(try String(contentsOfFile: "/proc/\(target.pid)/status",
            encoding: .utf8)).contains("TracerPid:\t\(strace.processIdentifier)") {
            usleep(20_000)
        }
        let message = try failingCensus(target.pid)
        #expect(message.contains("already traced by process \(strace.processIdentifier)"), "\(message)")
    }

    /// GIVEN a target with an object in the collector's list whose type pointer
    /// is 0 (restored before it exits), WHEN census and snapshot read it, THEN
    /// the error names its pid (it said "process 0") after at most one retry
    /// line (there were 49).
    @Test("A NULL ob_type: the real pid, one retry line at most", arguments: PythonInterpreter.installed)
    func nullType(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: """
            import ctypes, gc, sys
            gc.disable()
            class C: pass
            x = C()
            slot = ctypes.c_void_p.from_address(id(x) + 8)
            saved = slot.value
            slot.value = 0
            print('ready', flush=True)
            sys.stdin.read(1)
            slot.value = saved
            """)
        defer { target.finish() }
        let output = "/tmp/memlens-null-type-\(target.pid).mlh"
        defer { unlink(output) }
        let census = try runCommand([TestPaths.memlens, "census", String(target.pid)])
        #expect(census.status == 1 && census.stderr.contains("has no type"), "\(census.stderr)")
        let snapshot = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", output])
        // The snapshot's walk may skip the object (counted unreadable) rather than fail.
        for (command, result) in [("census", census), ("snapshot", snapshot)] where result.status != 0 {
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status == 1 && lines.count <= 2, "\(command): \(result.stderr)")
            #expect(lines.last?.hasPrefix("error: ") == true && lines.last?.contains("process \(target.pid)") == true,
                    "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("process 0 "), "\(command): \(result.stderr)")
        }
        #expect(target.isRunningFreely)
    }

    @Test("A process that has exited", arguments: PythonInterpreter.installed.suffix(1))
    func exited(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: "print('bye', flush=True)")
        target.finish()
        let message = try failingCensus(target.pid)
        #expect(message.contains("already exited"), "\(message)")
    }

    @Test("The process dies while stopped and being copied", arguments: PythonInterpreter.installed.suffix(1))
    func diesMidRead(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python,
            script: "import sys; x = [str(i) for i in range(10**6)]; print('ready', flush=True); sys.stdin.read(1)")
        let process = try PythonProcess(pid: target.pid)
        #expect(throws: ProcessAccessError.exited(pid: target.pid)) {
            _ = try ThreadStopper.whileStopped(pid: target.pid) { () throws(ProcessAccessError) in
                kill(target.pid, SIGKILL)
                usleep(50_000)
                return try HeapCopy(memory: process.memory, mappings: process.mappings).byteCount
            }
        }
    }
}
