import Foundation
import Testing
import TestSupport

/// Names a target chose, and lines its program wrote, reach a root
/// operator's terminal: none may carry a raw control character or pass for
/// memlens's own words.
@Suite("Security: the terminal and output paths", .serialized)
struct TerminalSecurityTests {
    /// A class whose name retitles the window, clears the screen and returns the carriage.
    static let evilTarget = """
        import sys
        Evil = type("Evil\\x1b]0;pwned\\x07\\x1b[2J\\rX", (), {})
        keep = [Evil() for _ in range(10)]
        print("ready", flush=True)
        sys.stdin.read()
        """

    static func expectNoControls(_ result: CommandResult, _ label: String) {
        for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            #expect(!text.unicodeScalars.contains { [0x1B, 0x07, 0x0D].contains($0.value) }, "\(label): raw control on \(stream)")
        }
    }

    @Test("census, summary, retained --by type and paths --type's error escape a class name's ESC, BEL and CR")
    func escapedClassNames() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv Python: this test needs one")
        // GIVEN a target with a class named with terminal escapes, and its snapshot
        let target = try WaitingTarget(python, script: Self.evilTarget)
        defer { target.finish() }
        let folder = try TestPaths.temporaryFolder("evil-names")
        let file = folder.appending(path: "evil.mlh").path
        let snapshot = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", file])
        try #require(snapshot.status == 0, "\(snapshot.stderr)")
        // WHEN the reports that print type names run
        let runs: [[String]] = [
            ["census", String(target.pid), "--top", "100000"],
            ["summary", file, "--top", "100000"],
            ["retained", file, "--by", "type", "--top", "100000"],
            ["paths", file, "--type", "Evil"],
        ]
        for arguments in runs {
            let result = try runCommand([TestPaths.memlens] + arguments)
            // THEN the name is shown, escaped
            Self.expectNoControls(result, arguments[0])
            #expect((result.stdout + result.stderr).contains("Evil\\x1b]0;pwned\\x07\\x1b[2J\\x0dX"), "\(arguments[0]): \(result.stdout)")
        }
    }

    @Test("A program under memlens run cannot forge a 'memlens: snapshot' line, nor put a raw ESC on memlens's stderr")
    func forgedReportLines() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv Python: this test needs one")
        // GIVEN a program that writes on the agent's report pipe
        let folder = try TestPaths.temporaryFolder("forged-report")
        let script = """
            import os
            fd = int(os.environ["MEMLENS_REPORT_FD"])
            os.write(fd, b"snapshot /etc/passwd objects=1 bytes=1 seconds=0.001\\n")
            os.write(fd, b"\\x1b]0;pwned\\x07\\x1b[2J\\rmemlens: snapshot /etc/shadow\\n")
            """
        // WHEN root runs it under memlens run
        let result = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, "-c", script])
        // THEN both lines are shown as the target's words, escaped
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectNoControls(result, "run")
        #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("memlens: snapshot ") }, "\(result.stderr)")
        #expect(result.stderr.contains("memlens: from the target: snapshot /etc/passwd"), "\(result.stderr)")
    }

    @Test("An output path through another user's link, or a link at the name, is refused", .enabled(if: Intruder.isRoot))
    func outputThroughAnotherUsersLink() throws {
        // GIVEN a root-only folder, the intruder's folder holding his link to it, and a link at an output name
        let rootOnly = try TestPaths.temporaryFolder("root-only")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: rootOnly.path)
        let theirs = try TestPaths.temporaryFolder("intruder-folder")
        let (uid, gid) = try Intruder.ensure()
        try FileManager.default.setAttributes([.ownerAccountID: uid, .groupOwnerAccountID: gid], ofItemAtPath: theirs.path)
        let made = try Intruder.run("ln -s \(rootOnly.path) \(theirs.path)/d")
        try #require(made.status == 0, "\(made.stderr)")
        let victim = rootOnly.appending(path: "victim")
        try Data("victim".utf8).write(to: victim)
        let linkAtName = rootOnly.appending(path: "out.dot").path
        try FileManager.default.createSymbolicLink(atPath: linkAtName, withDestinationPath: victim.path)
        let (mlh, _, _) = try leakedThingSnapshotFile(label: "link-output")
        // WHEN root writes an export through the link, and onto the link
        let through = try runCommand([TestPaths.memlens, "export", mlh, "--format", "dot", "-o", theirs.path + "/d/out.dot"])
        let onto = try runCommand([TestPaths.memlens, "export", mlh, "--format", "dot", "-o", linkAtName])
        // THEN both are refused with one line, and nothing changed in the root folder
        #expect(through.status == 1 && through.stderr.contains("symbolic link owned by uid \(uid)"), "\(through.stderr)")
        #expect(onto.status == 1 && onto.stderr.contains("it is a symbolic link"), "\(onto.stderr)")
        for result in [through, onto] { #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)") }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: rootOnly.path)) == ["victim", "out.dot"])
        #expect(try String(contentsOf: victim, encoding: .utf8) == "victim")
    }
}
