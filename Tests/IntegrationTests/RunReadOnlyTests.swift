import Foundation
import HeapGraph
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `memlens run` takes its snapshots with the read-only walk, at the agent's request.
@Suite("memlens run: snapshots read from outside")
struct RunReadOnlyTests {
    @Test("paths on a run snapshot name the frame local holding the leak", arguments: PythonInterpreter.withModern)
    func pathsNameTheLocal(python: PythonInterpreter) throws {
        // GIVEN the LeakedThing target, which signals itself inside main() while `keeper` holds the leak
        let (graph, _, folder) = try snapshotLeakedThings(python, label: "run-local")
        // THEN the snapshot was read from outside, holds every LeakedThing…
        #expect(graph.metadata.method == "read-only")
        #expect((0..<graph.count).filter { graph.typeName(of: $0) == "__main__.LeakedThing" }.count == 12_345)
        let mlh = try #require(FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".mlh") })
        // …and paths say which local of which function holds them
        let paths = try runCommand([TestPaths.memlens, "paths", folder.appending(path: mlh).path, "--type", "LeakedThing", "--max", "1"])
        #expect(paths.status == 0, "\(paths.stderr)")
        #expect(paths.stdout.hasPrefix("thread MainThread → main() ") && paths.stdout.contains(" → local 'keeper' → function build."),
                "\(paths.stdout)")
    }

    @Test("A child that is no Python (a shell running it): the agent dumps instead, said in one line",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func fallsBackToTheAgent() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("run-fallback")
        // GIVEN a shell that runs Python as its own child (`; exit` keeps it from exec'ing it)
        let result = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", "/bin/sh", "-c",
                                     "\"$0\" \"$1\"; exit $?", python.path, try fixture("leak_paths.py")])
        // THEN memlens says once why it cannot read it, and the agent's snapshot arrives
        #expect(result.status == 0, "\(result.stderr)")
        let refusals = result.stderr.split(separator: "\n").filter { $0.hasPrefix("memlens: the read-only walk cannot take this snapshot") }
        #expect(refusals.count == 1, "\(result.stderr)")
        let path = try #require(reportedSnapshots(result.stderr).first, "\(result.stderr)")
        #expect(try SnapshotLoader.load(path: path).metadata.method != "read-only")
    }

    @Test("A target writing junk on its snapshot socket: ignored in one line, its snapshot still taken",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func junkOnTheSocket() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("run-junk")
        // GIVEN a program that finds the socket and writes an overlong line, a forged request and escapes on it
        let program = """
            import os, signal
            for name in os.listdir('/proc/self/fd'):
                try:
                    if os.readlink('/proc/self/fd/' + name).startswith('socket:'):
                        os.write(int(name), b'x' * 5000 + b'\\nsnapshot -1\\n\\x1b]0;owned\\x07\\nsnapshot 1 2 3 x\\n')
                except OSError:
                    pass
            keep = [object() for _ in range(100)]
            os.kill(os.getpid(), signal.SIGUSR2)
            print('alive')
            """
        let result = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, "-c", program])
        // THEN one line says it was ignored, and SIGUSR2 still gives a read-only snapshot
        #expect(result.status == 0 && result.stdout == "alive\n", "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "snapshot request on its snapshot socket: ignored").count == 2, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"))
        let path = try #require(reportedSnapshots(result.stderr).first, "\(result.stderr)")
        #expect(try SnapshotLoader.load(path: path).metadata.method == "read-only")
    }

    @Test("memlens killed: the target carries on, and SIGUSR2 still gives a snapshot (the agent's)",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func memlensGone() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let folder = try TestPaths.temporaryFolder("run-orphan")
        let done = folder.appending(path: "done").path
        // GIVEN a target under memlens run that waits for a signal, then writes a file
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.memlens)
        process.arguments = ["run", "-o", folder.path, "--", python.path, "-c", """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
            print('ready', flush=True)
            signal.sigwait([signal.SIGUSR1])
            os.kill(os.getpid(), signal.SIGUSR2)
            open(sys.argv[1], 'w').write('done')
            """, done]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = output.fileHandleForReading.availableData  // "ready"
        let pid = try #require(RunTests().childPID(of: process.processIdentifier))
        // WHEN memlens is killed, then the target asked for a snapshot
        kill(process.processIdentifier, SIGKILL)
        usleep(200_000)  // its descriptors close as it dies (waitUntilExit() could wait on a killed Process for good)
        kill(pid, SIGUSR1)
        // THEN the target finishes (the agent dumped in-process: memlens's socket was closed)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !FileManager.default.fileExists(atPath: done) { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: done))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasSuffix(".mlh") })
    }
}
