import Foundation
import Testing
import TestSupport

/// A second local user standing for anyone else on a shared host. Created
/// (no home, no login shell) when the tests run as root; tests that need it
/// are skipped otherwise, saying why.
enum Intruder {
    static let name = "memlens-intruder"
    static let isRoot = geteuid() == 0

    /// The intruder's uid and gid, creating the user if needed.
    static func ensure() throws -> (uid: UInt32, gid: UInt32) {
        if getpwnam(name) == nil {
            let made = try runCommand(["/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name])
            try #require(made.status == 0, "useradd failed: \(made.stderr)")
        }
        let entry = try #require(getpwnam(name))
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// Runs `script` with /bin/sh as the intruder.
    @discardableResult
    static func run(_ script: String) throws -> CommandResult {
        let (uid, gid) = try ensure()
        return try runCommand(["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/bin/sh", "-c", script])
    }
}

@Suite("Security: what another user plants is never run or written through", .serialized)
struct PlantedPathTests {
    @Test("A sitecustomize planted under /tmp/memlens-0 (the old agent cache) never runs in memlens run",
          .enabled(if: Intruder.isRoot && !PythonInterpreter.installed.isEmpty))
    func plantedAgentFolder() throws {
        // GIVEN another user owns /tmp/memlens-0 with agent folders whose sitecustomize writes a marker
        let folder = try TestPaths.temporaryFolder("planted-agent")
        defer { try? FileManager.default.removeItem(at: folder) }
        let marker = folder.appending(path: "pwned").path
        try? FileManager.default.removeItem(atPath: "/tmp/memlens-0")
        defer { try? FileManager.default.removeItem(atPath: "/tmp/memlens-0") }
        let payload = "open('\(marker)', 'w').write('ran as planted')\n"
        let planted = try Intruder.run("""
            umask 022; mkdir -p /tmp/memlens-0 && for h in 0 1 cbf29ce484222325 deadbeef; do \
            mkdir -p /tmp/memlens-0/agent-$h/memlens && printf "%s" "\(payload)" > /tmp/memlens-0/agent-$h/sitecustomize.py; done
            """)
        try #require(planted.status == 0, "planting failed: \(planted.stderr)")
        // WHEN root runs a command under memlens
        let python = try #require(PythonInterpreter.installed.first)
        let result = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, "-c",
                                     "import sitecustomize, memlens; print(sitecustomize.__file__); print(memlens.__file__)"])
        // THEN the command ran with memlens's own agent, and the payload never ran
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("/tmp/memlens-0"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: marker))
        // nor did memlens add anything to the planted folder (the old cache put its agent there)
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/tmp/memlens-0")
        #expect(Set(entries) == ["agent-0", "agent-1", "agent-cbf29ce484222325", "agent-deadbeef"])
        // and the agent's private folder is gone afterwards
        for line in result.stdout.split(separator: "\n") {
            #expect(!FileManager.default.fileExists(atPath: String(line)), "left behind: \(line)")
        }
    }

    @Test("memlens demo never writes through folders planted at /tmp/memlens-demo-PID",
          .enabled(if: Intruder.isRoot && !PythonInterpreter.installed.isEmpty))
    func plantedDemoFolders() throws {
        // GIVEN another user planted /tmp/memlens-demo-N/fragmentation.py → a root-owned file, for the next pids
        let folder = try TestPaths.temporaryFolder("planted-demo")
        defer { try? FileManager.default.removeItem(at: folder) }
        let victim = folder.appending(path: "victim").path
        try Data("victim".utf8).write(to: URL(fileURLWithPath: victim))
        let last = Int((try String(contentsOfFile: "/proc/sys/kernel/ns_last_pid", encoding: .utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1
        let planted = try Intruder.run("""
            for p in $(seq \(last + 1) \(last + 400)); do mkdir -p /tmp/memlens-demo-$p && \
            ln -sf \(victim) /tmp/memlens-demo-$p/fragmentation.py; chmod 777 /tmp/memlens-demo-$p; done
            """)
        defer { for p in (last + 1)...(last + 400) { try? FileManager.default.removeItem(atPath: "/tmp/memlens-demo-\(p)") } }
        try #require(planted.status == 0, "planting failed: \(planted.stderr)")
        // WHEN root runs the demo
        let python = try #require(PythonInterpreter.named("3.11") ?? PythonInterpreter.installed.first)
        let result = try runCommand([TestPaths.memlens, "demo", "--scale", "0.01", "--python", python.path, "--json"])
        // THEN it works, and the file the links point at is unchanged
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim")
        #expect(!result.stderr.contains("/tmp/memlens-demo-\(last + 1)/"))
    }

    @Test("A hostile target that swaps the agent's files for links and FIFOs gets refused, never followed, never waited on")
    func hostileTargetFiles() throws {
        // GIVEN a target (another user's, when root) whose thread replaces every file memlens's job writes
        // in its /tmp with a link to a file only root can read, or a FIFO
        let folder = try TestPaths.temporaryFolder("hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appending(path: "secret").path
        try Data("TOP-SECRET-\(UUID().uuidString)".utf8).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
        let script = folder.appending(path: "hostile.py").path
        try Data(hostileTarget(secret: secret).utf8).write(to: URL(fileURLWithPath: script))
        chmod(folder.path, 0o755)
        chmod(script, 0o644)
        let python: String
        var command: [String]
        if Intruder.isRoot {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
                Issue.record("/usr/bin/python3 is needed to run a target as another user")
                return
            }
            let (uid, gid) = try Intruder.ensure()
            python = "/usr/bin/python3"
            command = ["/usr/bin/setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", python, script]
        } else {
            python = try #require(PythonInterpreter.installed.first).path
            command = [python, script]
        }
        let target = Process()
        target.executableURL = URL(fileURLWithPath: command[0])
        target.arguments = Array(command.dropFirst())
        target.standardInput = FileHandle.nullDevice
        try target.run()
        // SIGKILL: the test runner's children start with SIGTERM blocked
        defer { kill(target.processIdentifier, SIGKILL); target.waitUntilExit() }
        usleep(500_000)
        // WHEN memlens watches its collector (two agent jobs, each reading a status and a result file back)
        let started = Date()
        let result = try runCommand([TestPaths.memlens, "gc", String(target.processIdentifier), "--duration", "1s", "--timeout",
            "20s", "--json"],
                                    timeoutSeconds: 120)
        // THEN it ends in time, and nothing of the secret comes back
        #expect(Date().timeIntervalSince(started) < 90)
        #expect(!result.stdout.contains("TOP-SECRET") && !result.stderr.contains("TOP-SECRET"))
        #expect(result.status == 0 || (result.status == 1 && result.stderr.contains("refused")), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    /// A target whose thread swaps files in memlens's job folders for links to `secret` and FIFOs.
    func hostileTarget(secret: String) -> String {
        """
        import glob, os, threading, time

        def swap():
            end = time.time() + 60
            n = 0
            while time.time() < end:
                for folder in glob.glob('/tmp/memlens-attach-*'):
                    try:
                        names = os.listdir(folder)
                    except OSError:
                        continue
                    for name in names:
                        if name.endswith('.py') or name.endswith('.x'):
                            continue
                        n += 1
                        try:
                            tmp = '%s/%d.x' % (folder, n)
                            if n % 2:
                                os.symlink(\(String(reflecting: secret)), tmp)
                            else:
                                os.mkfifo(tmp)
                            os.replace(tmp, folder + '/' + name)
                        except OSError:
                            pass
                time.sleep(0.0005)

        threading.Thread(target=swap, daemon=True).start()
        while True:
            sum(range(1000))
            time.sleep(0.005)
        """
    }
}

@Suite("Strict command-line input")
struct StrictInputTests {
    func expectUsageError(_ arguments: [String], mentions text: String) throws {
        let result = try runCommand([TestPaths.memlens] + arguments)
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(text), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
    }

    @Test("Counts below 1 are usage errors in every command")
    func counts() throws {
        for command in [["cycles", "x.mlh"], ["dupes", "x.mlh"], ["summary", "x.mlh"], ["retained", "x.mlh"], ["diff", "a", "b"],
                        ["census", "1"], ["frag", "1"], ["alloc", "1"], ["footprint", "1"]] {
            try expectUsageError(command + ["--top=-1"], mentions: "--top")
            try expectUsageError(command + ["--top", "0"], mentions: "--top")
        }
        try expectUsageError(["paths", "x.mlh", "--type", "T", "--max", "0"], mentions: "--max")
        try expectUsageError(["referrers", "x.mlh", "--address", "0x10", "--depth", "-3"], mentions: "--depth")
        try expectUsageError(["census", "1", "--every", "1s", "--count", "0"], mentions: "--count")
    }

    @Test("One duration syntax for every time option")
    func durations() throws {
        // 20s, 500ms, 2m and plain seconds parse everywhere (the pid does not exist: a runtime error, exit 1)
        for (command, option) in [("snapshot", "--timeout"), ("gc", "--duration"), ("gc", "--timeout"), ("alloc", "--duration"),
                                  ("frag", "--timeout"), ("census", "--every")] {
            for value in ["20s", "500ms", "2m", "3"] {
                var arguments = [TestPaths.memlens, command, "2147483646", option, value]
                if command == "snapshot" { arguments += ["-o", "/nonexistent/x.mlh"] }
                let result = try runCommand(arguments)
                #expect(result.status == 1, "\(command) \(option) \(value): \(result.stderr)")
            }
            try expectUsageError([command, "2147483646", option, "0"], mentions: option)
            try expectUsageError([command, "2147483646", option, "soon"], mentions: option)
        }
    }

    @Test("run --signal takes only signals a handler can take, checked with -- too, and names the one used",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func signals() throws {
        try expectUsageError(["run", "--signal", "KILL", "--", "/bin/true"], mentions: "cannot be caught")
        try expectUsageError(["run", "--signal", "STOP", "--", "/bin/true"], mentions: "cannot be caught")
        try expectUsageError(["run", "--signal", "SEGV", "--", "/bin/true"], mentions: "kernel")
        try expectUsageError(["run", "--signal", "X", "--", "/bin/true"], mentions: "unknown signal 'X'")
        try expectUsageError(["run", "--signal", "99", "--", "/bin/true"], mentions: "unknown signal '99'")
        let python = try #require(PythonInterpreter.installed.first)
        for (given, named) in [("12", "USR2"), ("sigusr1", "USR1"), ("HUP", "HUP"), ("40", "40")] {
            let folder = try TestPaths.temporaryFolder("signal")
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try runCommand([TestPaths.memlens, "run", "--signal", given, "-o", folder.path, "--", python.path, "-c",
                                         "import signal; h = signal.getsignal(\(named == "40" ? "40" : "signal.SIG" + named)); assert " +
                                             "callable(h), h"])
            #expect(result.status == 0, "\(given): \(result.stderr)")
            #expect(result.stderr.contains("kill -\(named) "), "\(given): \(result.stderr)")
        }
    }
}
