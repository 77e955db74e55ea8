import Foundation
import Testing
import TestSupport

@Suite("A Python without the symbols gdb calls", .serialized)
struct NoSymbolsTests {
    /// A copy of pyenv's libpython3.11 as a stripped static build without
    /// `--export-dynamic` would be: `strip --strip-all` (no `.symtab`), and
    /// the `.dynstr` names of Py_AddPendingCall and PyRun_SimpleString
    /// changed, so neither gdb nor memlens can find them. The interpreter
    /// still loads it (nothing it imports at startup uses those names).
    static func strippedLibpython(_ python: PythonInterpreter, into folder: URL) throws -> String {
        let name = "libpython\(python.minor).so.1.0"
        let source = URL(fileURLWithPath: python.path).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "lib/\(name)").path
        let copy = folder.appending(path: name).path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: source, toPath: copy)
        let strip = try runCommand(["/usr/bin/strip", "--strip-all", copy])
        try #require(strip.status == 0, "\(strip.stderr)")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: copy)))
        for symbol in ["Py_AddPendingCall", "PyRun_SimpleString"] {
            let needle = [0] + Array(symbol.utf8) + [0]  // a whole string-table entry
            var renamed = 0
            var i = 0
            while i + needle.count <= bytes.count {
                if bytes[i] == 0, bytes[i + 1] == needle[1], Array(bytes[i..<i + needle.count]) == needle {
                    bytes[i + 1] = 0x58  // "X…"
                    renamed += 1
                }
                i += 1
            }
            try #require(renamed == 1, "\(symbol) appears \(renamed) times in .dynstr")
        }
        try Data(bytes).write(to: URL(fileURLWithPath: copy))
        return copy
    }

    @Test("memlens says so before starting gdb, exits 1, and the target runs on",
          .enabled(if: PythonInterpreter.has("3.11") && FileManager.default.isExecutableFile(atPath: "/usr/bin/strip")))
    func strippedInterpreter() throws {
        let python = try #require(PythonInterpreter.named("3.11"))
        let folder = try TestPaths.temporaryFolder("nosymbols")
        let library = try Self.strippedLibpython(python, into: folder)
        // The interpreter really runs on the stripped copy (RUNPATH yields to LD_LIBRARY_PATH).
        let target = try WaitingTarget(python, arguments: ["-c", """
            import sys
            print([l.split()[-1] for l in open('/proc/self/maps') if 'libpython' in l][0], flush=True)
            sys.stdin.read(1)
            """], environment: ["LD_LIBRARY_PATH": folder.path])
        defer { target.finish() }
        #expect(target.firstLine == library)
        let output = folder.appending(path: "out.mlh").path
        let result = try runCommand([TestPaths.memlens, "snapshot", "--agent", String(target.pid), "-o", output])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: Python without symbols: "), "\(result.stderr)")
        #expect(result.stderr.contains("(stripped or static build without exported symbols); memlens needs"))
        #expect(result.stderr.contains(library))
        #expect(!result.stderr.contains("attaching with gdb"), "gdb must not have run: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(target.isRunningFreely)
    }
}
