import Foundation
import HeapGraph
import Testing
import TestSupport

@Suite("Bad input fails clearly")
struct BadInputTests {
    /// No crash, no Swift trace on stderr.
    func expectClean(_ result: CommandResult) {
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!result.stderr.contains("Stack dump"))
        #expect(!result.stderr.contains("Current stack trace"))
    }

    @Test("A snapshot cut at any byte names the file and the offset where it ends",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func truncated() throws {
        let python = try #require(PythonInterpreter.installed.first)
        let folder = try TestPaths.temporaryFolder("cut")
        let result = try runCommand([TestPaths.memlens, "run", "--snapshot-at-exit", "-o", folder.path, "--", python.path, "-c",
            "x = [str(i) for i in range(20000)]"])
        let path = try #require(reportedSnapshots(result.stderr).first)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [1, 3, 7, 8, 9, 12, 15, 16, 40, 300, whole.count / 3, whole.count / 2, whole.count - 26, whole.count - 1] {
            let cutPath = folder.appending(path: "cut-\(cut).mlh").path
            try whole.prefix(cut).write(to: URL(fileURLWithPath: cutPath))
            let summary = try runCommand([TestPaths.memlens, "summary", cutPath])
            #expect(summary.status == 1, "cut at \(cut)")
            #expect(summary.stderr.contains(cutPath), "cut at \(cut): \(summary.stderr)")
            #expect(summary.stderr.contains("offset \(cut)"), "cut at \(cut): \(summary.stderr)")
            expectClean(summary)
        }
        // A flipped byte in the middle is caught by the checksum or the structure.
        var flipped = whole
        flipped[whole.count / 2] ^= 0xFF
        let flippedPath = folder.appending(path: "flipped.mlh").path
        try flipped.write(to: URL(fileURLWithPath: flippedPath))
        let summary = try runCommand([TestPaths.memlens, "summary", flippedPath])
        #expect(summary.status == 1)
        #expect(summary.stderr.contains("corrupt") || summary.stderr.contains("truncated"))
        expectClean(summary)
    }

    @Test("A file that is not a snapshot says what it is not")
    func notASnapshot() throws {
        let folder = try TestPaths.temporaryFolder("notsnap")
        let text = folder.appending(path: "notes.txt")
        try Data("hello world\n".utf8).write(to: text)
        for path in [text.path, "/bin/ls"] {
            let result = try runCommand([TestPaths.memlens, "summary", path])
            #expect(result.status == 1)
            #expect(result.stderr.contains("error: \(path): not a memlens snapshot (.mlh) or meliae JSON dump"), "\(result.stderr)")
            expectClean(result)
        }
        let missing = try runCommand([TestPaths.memlens, "summary", folder.appending(path: "missing.mlh").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("missing.mlh: cannot open"))
        expectClean(missing)
    }

    @Test("Usage errors: unknown --format, nothing to run")
    func usage() throws {
        let format = try runCommand([TestPaths.memlens, "export", "x.mlh", "--format", "xml", "-o", "/tmp/x"])
        #expect(format.status == 64)
        #expect(format.stderr.contains("xml"))
        let nothing = try runCommand([TestPaths.memlens, "run"])
        #expect(nothing.status == 64)
        expectClean(format)
    }

    @Test("A command that does not exist under run")
    func missingCommand() throws {
        let result = try runCommand([TestPaths.memlens, "run", "-o", NSTemporaryDirectory(), "--", "no-such-command-memlens"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("command not found: no-such-command-memlens"))
        expectClean(result)
    }
}
