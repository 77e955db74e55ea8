import Foundation
import HeapGraph
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A target started for `memlens snapshot`, stopped when the test ends.
final class AttachTarget {
    let process = Process()
    let folder: URL
    let truthPath: String
    var pid: Int32 { process.processIdentifier }

    init(_ python: PythonInterpreter, mode: String, label: String, script: String = "attach_target.py", arguments: [String] = []) throws {
        folder = try TestPaths.temporaryFolder("\(label)-\(python.minor)")
        truthPath = folder.appending(path: "truth.json").path
        process.executableURL = URL(fileURLWithPath: python.path)
        process.arguments = [try fixture(script), truthPath, mode] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = output.fileHandleForReading.availableData  // "ready"
    }

    /// Tells the target to check itself and exit; returns what it found.
    /// `garbage`: what a full collection in the target then freed (attach_target.py reports it).
    func finish() throws -> (same: Bool, garbage: Int?, report: String) {
        FileManager.default.createFile(atPath: truthPath + ".done", contents: nil)
        process.waitUntilExit()
        let data = try Data(contentsOf: URL(fileURLWithPath: truthPath + ".after"))
        struct After: Decodable { var same: Bool; var garbage: Int? }
        let after = try JSONDecoder().decode(After.self, from: data)
        return (after.same, after.garbage, String(decoding: data, as: UTF8.self))
    }

    deinit {
        // SIGKILL: the test runner starts children with SIGTERM blocked.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

@Suite("memlens snapshot PID: attaching to running processes", .serialized)
struct AttachTests {
    struct Truth: Decodable { var objects: Int; var types: [String: Int] }

    @Test("An idle target: exact truth, and it is left as it was", arguments: PythonInterpreter.installed)
    func idleTarget(python: PythonInterpreter) throws {
        // GIVEN a target idling in short sleeps
        let target = try AttachTarget(python, mode: "idle", label: "attach")
        let output = target.folder.appending(path: "attached.mlh").path
        // WHEN memlens attaches
        let result = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(target.pid), "-o", output, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        // THEN the snapshot holds what gc.get_objects() held, type by type —
        // within a few objects: loading the agent's extension modules (zlib,
        // array) into a process that never had them leaves their module state.
        let graph = try SnapshotLoader.load(path: output)
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: target.truthPath)))
        var tracked: [String: Int] = [:]
        for i in 0..<graph.count where graph.flags[i].contains(.gcTracked) { tracked[graph.typeName(of: i), default: 0] += 1 }
        #expect(graph.typeIDs.filter { graph.typeNames[Int($0)] == "__main__.LeakedThing" }.count == 12_345)
        for (type, count) in truth.types.sorted(by: { ($0.value, $0.key) > ($1.value, $1.key) }).prefix(20) {
            #expect(abs((tracked[type] ?? 0) - count) <= 16, "\(type) on \(python): \(tracked[type] ?? 0) vs \(count)")
        }
        let total = tracked.values.reduce(0, +)
        #expect(abs(total - truth.objects) <= 40, "\(total) tracked objects vs \(truth.objects) on \(python)")
        let attributes = try FileManager.default.attributesOfItem(atPath: output)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        // AND its modules, sys.path, finders, threads, handlers, fds and mappings are as
        // before, and the agent left no cycles for the target's collector to find
        let (same, garbage, report) = try target.finish()
        #expect(same, "\(report)")
        #expect((garbage ?? .max) < 20, "a full collection after the snapshot freed \(garbage ?? -1) objects on \(python)")
        #expect(target.process.terminationStatus == 0)
    }

    @Test("A target churning and collecting in two threads, 10 snapshots in a row", .enabled(if: PythonInterpreter.has("3.11")))
    func churningTarget() throws {
        let python = try #require(PythonInterpreter.named("3.11"))
        let target = try AttachTarget(python, mode: "churn", label: "churn")
        for round in 0..<10 {
            let output = target.folder.appending(path: "churn-\(round).mlh").path
            let result = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(target.pid), "-o", output])
            try #require(result.status == 0, "round \(round): \(result.stderr)")
            let graph = try SnapshotLoader.load(path: output)
            #expect(graph.typeIDs.filter { graph.typeNames[Int($0)] == "__main__.LeakedThing" }.count == 12_345)
        }
        let (same, _, report) = try target.finish()
        #expect(same, "\(report)")
        #expect(target.process.terminationStatus == 0)
    }

    @Test("A main thread blocked in a long sleep: a clear timeout, and the target goes on unharmed",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func blockedMainThread() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("blocked")
        let marker = folder.appending(path: "alive").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.path)
        process.arguments = ["-c", "import time, sys; print('ready', flush=True); time.sleep(3); open(sys.argv[1], " +
            "'w').write('ok')", marker]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        _ = output.fileHandleForReading.availableData
        let result = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(process.processIdentifier), "-o",
            folder.appending(path: "x.mlh").path, "--timeout", "1"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no safe point"), "\(result.stderr)")
        #expect(result.stderr.contains("clock_nanosleep"), "\(result.stderr)")
        process.waitUntilExit()
        // The queued call ran once the sleep ended, saw it was cancelled, and did nothing.
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: marker))
        #expect(!FileManager.default.fileExists(atPath: folder.appending(path: "x.mlh").path))
    }

    @Test("The target dies mid-snapshot: a clear error, no file, nothing left in /tmp",
          .enabled(if: PythonInterpreter.has("3.11")))
    func targetDiesMidSnapshot() throws {
        let python = try #require(PythonInterpreter.named("3.11"))
        let folder = try TestPaths.temporaryFolder("dies")
        let output = folder.appending(path: "never.mlh").path
        // GIVEN a target with ~2 M objects (a dump of a second or more), idling in short sleeps
        let target = Process()
        target.executableURL = URL(fileURLWithPath: python.path)
        target.arguments = ["-c", "import time\nheap = [(i, [str(i)]) for i in range(700000)]\nprint('ready', flush=True)\nwhile True: " +
            "time.sleep(0.01)"]
        let ready = Pipe()
        target.standardOutput = ready
        try target.run()
        defer { if target.isRunning { kill(target.processIdentifier, SIGKILL) } }
        _ = ready.fileHandleForReading.availableData
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("memlens-attach-") })
        // WHEN memlens attaches, and the target is killed once the agent has begun writing
        let memlens = Process()
        memlens.executableURL = URL(fileURLWithPath: TestPaths.memlens)
        memlens.arguments = ["snapshot", "--agent", String(target.processIdentifier), "-o", output]
        let stderr = Pipe()
        memlens.standardError = stderr
        try memlens.run()
        let deadline = Date().addingTimeInterval(60)
        // Other suites running at the same time make folders of their own: this test
        // follows only the one where its target is writing (the agent's temporary
        // snapshot is named after the writing process's pid).
        var ours: [String] = []
        while ours.isEmpty, Date() < deadline, memlens.isRunning {
            let folders = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")
                .filter { $0.hasPrefix("memlens-attach-") && !before.contains($0) }) ?? []
            ours = folders.filter { folder in
                let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp/" + folder)) ?? []
                return names.contains { $0.hasPrefix("snapshot.mlh.\(target.processIdentifier).") }
            }
            usleep(2_000)
        }
        try #require(!ours.isEmpty, "the agent never started")
        kill(target.processIdentifier, SIGKILL)
        memlens.waitUntilExit()
        // THEN memlens says so and exits 1; no snapshot, no agent folder, no partial file
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(memlens.terminationStatus == 1)
        #expect(message.contains("exited before the snapshot was written"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        for name in ours { #expect(!FileManager.default.fileExists(atPath: "/tmp/" + name), "left in /tmp: \(name)") }
    }

    @Test("Another user's process: not allowed, says how to fix it",
          .enabled(if: !PythonInterpreter.installed.isEmpty && getuid() == 0
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func anotherUsersProcess() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let target = try AttachTarget(python, mode: "idle", label: "attach-denied")
        let result = try runCommand(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                     TestPaths.memlens, "snapshot", "--agent", String(target.pid), "-o", "/tmp/denied.mlh"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not allowed to attach to process \(target.pid)"), "\(result.stderr)")
        #expect(result.stderr.contains("run memlens as the user that owns process \(target.pid), or as root"), "\(result.stderr)")
        let (same, _, report) = try target.finish()
        #expect(same, "\(report)")
    }

    @Test("A target in its own mount namespace, with a private /tmp",
          .enabled(if: !PythonInterpreter.installed.isEmpty && getuid() == 0
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
    func otherMountNamespace() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("namespace")
        let script = "import time\nkeep = [object() for _ in range(5000)]\nopen('/tmp/inside', 'w').write('x')\nprint('ready', " +
            "flush=True)\nwhile True: time.sleep(0.05)\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /tmp && exec \"$0\" -c \"$1\"",
            python.path, script]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL) }
        _ = output.fileHandleForReading.availableData  // "ready": /tmp is mounted, python is running (exec'd in place of sh)
        let pid = process.processIdentifier
        #expect(!FileManager.default.fileExists(atPath: "/tmp/inside"))
        let snapshot = folder.appending(path: "ns.mlh").path
        let result = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(pid), "-o", snapshot])
        #expect(result.status == 0, "\(result.stderr)")
        let graph = try SnapshotLoader.load(path: snapshot)
        #expect(graph.typeIDs.filter { graph.typeNames[Int($0)] == "object" }.count >= 5000)
        // Nothing of memlens's is left in the target's /tmp.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/root/tmp") == ["inside"])
    }

    @Test("No gdb on PATH: says what to install", .enabled(if: !PythonInterpreter.installed.isEmpty))
    func gdbMissing() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let target = try AttachTarget(python, mode: "idle", label: "nogdb")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/nonexistent"
        let result = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(target.pid), "-o", "/tmp/nogdb.mlh"],
            environment: environment)
        #expect(result.status == 1)
        #expect(result.stderr.contains("gdb is needed"), "\(result.stderr)")
        #expect(result.stderr.contains("apt-get install gdb"))
        let (same, _, report) = try target.finish()
        #expect(same, "\(report)")
    }

    @Test("No such process, a zombie, not Python: one clear line, exit 1")
    func badTargets() throws {
        let none = try runCommand([TestPaths.memlens, "snapshot", "--agent", "999999", "-o", "/tmp/none.mlh"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no such process: 999999"))

        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { kill(sleeper.processIdentifier, SIGKILL) }
        let notPython = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(sleeper.processIdentifier), "-o", "/tmp/none.mlh"])
        #expect(notPython.status == 1)
        #expect(notPython.stderr.contains("is not a CPython interpreter"))

        // A zombie: a child that exited and that nobody has waited for.
        let zombie = try runCommand(["/bin/sh", "-c", "sleep 0 & exec sleep 2 & p=$!; sleep 0.3; echo $(pgrep -P $p)"], timeoutSeconds: 10)
        _ = zombie
        var pid: pid_t = 0
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        try #require(posix_spawn(&pid, "/bin/true", nil, &attributes, argv, environ) == 0)
        usleep(300_000)  // exited; not waited for: a zombie of this test process
        let zombieResult = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(pid), "-o", "/tmp/none.mlh"])
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(zombieResult.status == 1)
        #expect(zombieResult.stderr.contains("is a zombie"), "\(zombieResult.stderr)")
    }
}
