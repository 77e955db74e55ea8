import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A FIFO (or a device, or a folder) named as a snapshot, a core or an
/// executable is refused at once: the open never waits for a writer.
@Suite("Non-regular input files are refused, never waited on")
struct FifoInputTests {
    /// A new FIFO, with no writer.
    func makeFifo(_ name: String) throws -> String {
        let folder = try TestPaths.temporaryFolder("fifo-\(name)")
        let path = folder.appending(path: name).path
        try #require(mkfifo(path, 0o600) == 0, "mkfifo: \(errno)")
        return path
    }

    /// Exit 1 within the time limit, one `error:` line naming `path` and what it is.
    func expectRefused(_ arguments: [String], path: String, kind: String) throws {
        let started = Date()
        // A regression blocks in open(2): the time limit kills it (then the status is not 1).
        let result = try runCommand([TestPaths.memlens] + arguments, timeoutSeconds: 10)
        let lines = result.stderr.split(separator: "\n")
        #expect(result.status == 1, "\(arguments): exit \(result.status) after \(Date().timeIntervalSince(started)) s, \(result.stderr)")
        #expect(lines.count == 1, "\(arguments): \(result.stderr)")
        #expect(lines.first?.hasPrefix("error: ") == true, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(path) && result.stderr.contains(kind), "\(arguments): \(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 5, "\(arguments) took \(Date().timeIntervalSince(started)) s")
    }

    @Test("A FIFO as a snapshot: summary, report, frag, diff, retained exit 1 at once")
    func fifoAsSnapshot() throws {
        let fifo = try makeFifo("app.mlh")
        let out = try TestPaths.temporaryFolder("fifo-out").appending(path: "report.html").path
        for arguments in [["summary", fifo], ["report", fifo, "-o", out], ["frag", fifo], ["diff", fifo, fifo], ["retained", fifo]] {
            try expectRefused(arguments, path: fifo, kind: "a FIFO (named pipe), not a regular file")
        }
    }

    @Test("A FIFO as a core: snapshot and census exit 1 at once, ./f too")
    func fifoAsCore() throws {
        let fifo = try makeFifo("core.1234")
        let out = try TestPaths.temporaryFolder("fifo-core-out").appending(path: "x.mlh").path
        try expectRefused(["snapshot", fifo, "-o", out], path: fifo, kind: "a FIFO (named pipe), not a regular file")
        try expectRefused(["census", fifo], path: fifo, kind: "a FIFO (named pipe), not a regular file")
        let folder = URL(fileURLWithPath: fifo).deletingLastPathComponent().path
        let relative = try runCommand(["/bin/sh", "-c", "cd \"$1\" && exec \"$2\" census ./core.1234", "sh", folder, TestPaths.memlens],
                                      timeoutSeconds: 10)
        #expect(relative.status == 1, "census ./core.1234: exit \(relative.status), \(relative.stderr)")
        #expect(relative.stderr.contains("a FIFO"), "\(relative.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("A device or a folder as a snapshot: refused by type")
    func deviceAndFolder() throws {
        try expectRefused(["summary", "/dev/zero"], path: "/dev/zero", kind: "a character device")
        let folder = try TestPaths.temporaryFolder("fifo-folder").path
        try expectRefused(["summary", folder], path: folder, kind: "a folder")
    }
}
