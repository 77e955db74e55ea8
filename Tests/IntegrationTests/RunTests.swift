import Foundation
import HeapGraph
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite("memlens run")
struct RunTests {
    @Test("Exit status is passed through", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func exitStatus() throws {
        let python = try #require(PythonInterpreter.installed.first)
        let result = try runCommand([TestPaths.memlens, "run", "-o", NSTemporaryDirectory(), "--", python.path, "-c",
            "import sys; sys.exit(7)"])
        #expect(result.status == 7)
        let killed = try runCommand([TestPaths.memlens, "run", "-o", NSTemporaryDirectory(), "--", python.path, "-c",
            "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"])
        #expect(killed.status == 128 + SIGTERM)
    }

    @Test("A target killed during its dump leaves no file under the final name",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func killedMidDump() throws {
        let python = try #require(PythonInterpreter.named("3.11") ?? PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("killed")
        // GIVEN a target with a million objects waiting on stdin under memlens run
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.memlens)
        process.arguments = ["run", "-o", folder.path, "--", python.path, try fixture("big_heap.py")]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = output.fileHandleForReading.availableData  // "ready"
        let pid = try #require(childPID(of: process.processIdentifier))
        // WHEN it is killed while the snapshot is being written
        kill(pid, SIGUSR2)
        let deadline = Date().addingTimeInterval(10)
        var sawTemporary = false
        while Date() < deadline, !sawTemporary {
            sawTemporary = (try FileManager.default.contentsOfDirectory(atPath: folder.path)).contains { $0.hasSuffix(".tmp") }
            usleep(2000)
        }
        kill(pid, SIGKILL)
        process.waitUntilExit()
        // THEN only the temporary name was ever used
        #expect(sawTemporary)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasSuffix(".mlh") }, "\(names)")
        #expect(process.terminationStatus == 128 + SIGKILL)
    }

    @Test("Signals sent to memlens reach the target: USR2 snapshots, TERM ends it",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func forwardsSignals() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("forward")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.memlens)
        process.arguments = ["run", "-o", folder.path, "--", python.path, "-c",
                             "import sys, time\nprint('ready', flush=True)\nwhile True: time.sleep(0.05)"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        _ = output.fileHandleForReading.availableData  // "ready"
        // WHEN memlens itself (not the target) gets SIGUSR2, then SIGTERM
        kill(process.processIdentifier, SIGUSR2)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline,
              (try FileManager.default.contentsOfDirectory(atPath: folder.path)).filter({ $0.hasSuffix(".mlh") }).isEmpty {
            usleep(10_000)
        }
        usleep(300_000)  // the agent reports just after the rename
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        // THEN the target wrote a snapshot and ended by SIGTERM, which memlens reports as 128 + 15
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.filter { $0.hasSuffix(".mlh") }.count == 1, "\(names)")
        #expect(process.terminationStatus == 128 + SIGTERM)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("memlens: snapshot "), "\(stderr)")
    }

    @Test("The program's own sitecustomize still runs under memlens run", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func ownSitecustomizeRuns() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("sitecustomize")
        try Data("import builtins\nbuiltins.USER_SITECUSTOMIZE = 'ran'\n".utf8).write(to: folder.appending(path: "sitecustomize.py"))
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = folder.path
        let result = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, "-c",
                                     "import builtins, signal; print(builtins.USER_SITECUSTOMIZE, " +
                                         "callable(signal.getsignal(signal.SIGUSR2)))"],
                                    environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ran True\n")
    }

    /// The first child of `parent`, from /proc.
    func childPID(of parent: Int32) -> Int32? {
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8),
               let first = text.split(separator: " ").first, let pid = Int32(first) {
                return pid
            }
            usleep(20_000)
        }
        return nil
    }
}

@Suite("Snapshot options and the in-app API")
struct AgentAPITests {
    @Test("--no-values leaves every str/bytes/int/float value out", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func noValues() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("novalues")
        let secret = "s3cr3t-\(UUID().uuidString)"
        let result = try runCommand([TestPaths.memlens, "run", "--no-values", "--snapshot-at-exit", "-o", folder.path, "--",
                                     python.path, "-c", "keep = ['\(secret)', 12345678, 2.5, b'raw']"])
        let path = try #require(reportedSnapshots(result.stderr).first, "\(result.stderr)")
        let graph = try SnapshotLoader.load(path: path)
        #expect(graph.values.count == 0)
        #expect(graph.metadata.values == false)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
    }

    @Test("python -m memlens run, SIGUSR2 and --at-exit, without the CLI", arguments: PythonInterpreter.installed)
    func pythonDashM(python: PythonInterpreter) throws {
        let folder = try TestPaths.temporaryFolder("dashm-\(python.minor)")
        let script = folder.appending(path: "app.py")
        let source = "import os, signal, sys\nkeep = [object() for _ in range(1000)]\n"
            + "os.kill(os.getpid(), signal.SIGUSR2)\nprint(sys.argv[1:])\n"
        try Data(source.utf8).write(to: script)
        let environment = ProcessInfo.processInfo.environment.merging(
            ["PYTHONPATH": TestPaths.packageRoot.appending(path: "python").path]) { $1 }
        let result = try runCommand([python.path, "-m", "memlens", "run", "-o", folder.path, "--at-exit", script.path, "a", "--b"],
                                    environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "['a', '--b']\n")
        let snapshots = reportedSnapshots(result.stderr)
        #expect(snapshots.count == 2, "stderr: \(result.stderr)")
        for path in snapshots {
            let graph = try SnapshotLoader.load(path: path)
            #expect(graph.typeNames.contains("object"))
        }
    }
}
