import Foundation
import Testing
import TestSupport

/// Modules another user plants where a root memlens could import them: the
/// working folder (an empty `PYTHONPATH` element stands for it) and `TMPDIR`.
@Suite("Security: planted modules and a hostile TMPDIR never run as root", .serialized)
struct SearchPathSecurityTests {
    static let planted = ["zlib", "json", "signal", "usercustomize", "sitecustomize", "struct", "threading"]

    /// A folder the intruder owns and can write, holding a module for each
    /// name in ``planted`` that writes a marker into `markers` when imported.
    static func plantedFolder(markers: URL) throws -> URL {
        let folder = try TestPaths.temporaryFolder("planted-cwd")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: markers.path)
        let script = planted.map { name in
            "printf \"%s\" \"open('\(markers.path)/\(name)', 'w').write('ran')\" > \(folder.path)/\(name).py"
        }.joined(separator: " && ")
        let made = try Intruder.run(script)
        try #require(made.status == 0, "planting failed: \(made.stderr)")
        return folder
    }

    @Test("No planted module runs under run, watch -- CMD, imports -- or footprint --, with PYTHONPATH unset, empty or set",
          .enabled(if: Intruder.isRoot))
    func plantedModulesInTheWorkingFolder() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv Python: this test needs one")
        // GIVEN the working folder is another user's, with planted stdlib names and customize hooks
        let markers = try TestPaths.temporaryFolder("planted-markers")
        let cwd = try Self.plantedFolder(markers: markers)
        let app = try TestPaths.temporaryFolder("planted-app").appending(path: "app.py")
        try Data("import time\nprint('app ran')\n".utf8).write(to: app)
        let out = try TestPaths.temporaryFolder("planted-out")
        let commands: [[String]] = [
            ["run", "--snapshot-at-exit", "-o", out.path, "--"],
            ["watch", "--interval", "50ms", "-o", out.appending(path: "t.html").path, "--"],
            ["imports", "--"],
            ["footprint", "--"],
        ]
        for pythonPath in [nil, "", "/nonexistent-memlens-path"] as [String?] {
            for command in commands {
                // WHEN root runs the command from there
                var environment = ProcessInfo.processInfo.environment
                environment["PYTHONPATH"] = pythonPath
                try? FileManager.default.removeItem(at: out.appending(path: "t.html"))
                let quoted = ([TestPaths.memlens] + command + [python.path, app.path]).map { "'\($0)'" }.joined(separator: " ")
                let result = try runCommand(["/bin/sh", "-c", "cd '\(cwd.path)' && exec \(quoted)"], environment: environment)
                // THEN the command ran, and none of the planted modules did
                let label = "\(command[0]) with PYTHONPATH \(pythonPath.map { "'\($0)'" } ?? "unset")"
                #expect(result.status == 0, "\(label): \(result.stderr)")
                #expect(result.stdout.contains("app ran") || result.stderr.contains("app ran"), "\(label): \(result.stdout)")
                let ran = try FileManager.default.contentsOfDirectory(atPath: markers.path)
                #expect(ran.isEmpty, "\(label) ran planted modules: \(ran)")
            }
        }
    }

    @Test("A TMPDIR another user owns, where he swaps memlens's folders for his own: 20 runs, none runs his code",
          .enabled(if: Intruder.isRoot), .timeLimit(.minutes(3)))
    func tmpdirSwapRace() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv Python: this test needs one")
        // GIVEN TMPDIR is the intruder's folder, and he replaces each new memlens-* folder with his own
        // (with the system's Python: root's pyenv is not his to read)
        let markers = try TestPaths.temporaryFolder("race-markers")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: markers.path)
        let tmp = try TestPaths.temporaryFolder("race-tmp")
        let (uid, gid) = try Intruder.ensure()
        try FileManager.default.setAttributes([.ownerAccountID: uid, .groupOwnerAccountID: gid, .posixPermissions: 0o755],
                                              ofItemAtPath: tmp.path)
        let swapper = try WaitingTarget(executable: "/usr/bin/setpriv", arguments: [
            "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/usr/bin/python3", "-c", Self.swapperScript(tmp: tmp, markers: markers)])
        defer { swapper.finish() }
        #expect(swapper.firstLine == "watching")
        var refused = 0
        for _ in 0..<20 {
            // WHEN root runs a program under memlens with that TMPDIR
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = tmp.path
            let run = [TestPaths.memlens, "run", "-o", markers.path + "/out", "--", python.path, "-c", "print('app ran')"]
            let result = try runCommand(run,
                                        environment: environment, timeoutSeconds: 60)
            // THEN it refuses with one line, or runs the program as it is
            if result.status == 1 {
                refused += 1
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
                #expect(result.stderr.contains("TMPDIR"), "\(result.stderr)")
            } else {
                #expect(result.status == 0 && result.stdout.contains("app ran"), "\(result.status): \(result.stderr)")
            }
        }
        let ran = try FileManager.default.contentsOfDirectory(atPath: markers.path).filter { $0 != "out" }
        #expect(ran.isEmpty, "the intruder's code ran \(ran.count) times")
        #expect(refused == 20)
    }

    /// Python for the intruder: polls `tmp`, renames each new `memlens-*`
    /// folder away and puts his own there, whose hooks write a marker.
    static func swapperScript(tmp: URL, markers: URL) -> String {
        """
        import os, sys, time, itertools, threading
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
        tmp, markers = \(String(reflecting: tmp.path)), \(String(reflecting: markers.path))
        payload = "open(" + repr(markers + "/ran-") + " + str(__import__('os').getpid()), 'w').write('x')\\n"
        print("watching", flush=True)
        seen = set()
        end = time.time() + 170
        for n in itertools.count():
            if time.time() > end or os.getppid() == 1: break
            for name in os.listdir(tmp):
                if name.startswith("memlens-") and name not in seen and not name.endswith(".old"):
                    seen.add(name)
                    try:
                        os.rename(os.path.join(tmp, name), os.path.join(tmp, name + ".old"))
                        mine = os.path.join(tmp, name)
                        os.makedirs(os.path.join(mine, "memlens"))
                        for f in ("sitecustomize.py", "memlens/__init__.py", "memlens/_autoload.py"):
                            open(os.path.join(mine, f), "w").write(payload)
                        os.chmod(mine, 0o755)
                    except OSError:
                        pass
        """
    }
}
