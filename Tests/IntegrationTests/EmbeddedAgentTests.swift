@testable import Agent
import Foundation
import Testing
import TestSupport

/// The agent as the binary ships it: the files run inside a target carry the
/// shared helpers (memlens/_shared.py) in their own text, and every file
/// compiles on every supported interpreter.
@Suite("Embedded agent files")
struct EmbeddedAgentTests {
    /// Files that run where the memlens package cannot be imported.
    /// (`memlens imports` loads imports.py outside the package, and the watch hooks import it inside.)
    static let standalone = EmbeddedPython.files.filter {
        $0.path.hasPrefix("target/") || ["memlens/snapshot.py", "memlens/imports.py"].contains($0.path)
    }

    /// GIVEN the embedded files, THEN none of those run in a target still imports
    /// the shared helpers, the ones that use them define them, and the package's
    /// own files are all there.
    @Test func sharedHelpersAreBuiltIn() throws {
        let paths = Set(EmbeddedPython.files.map(\.path))
        for name in ["inject.py", "frag.py", "observe.py", "footprint_hook.py"] {
            #expect(paths.contains("target/\(name)"), "target/\(name) is not embedded")
        }
        #expect(paths.contains("memlens/_shared.py") && paths.contains("memlens/snapshot.py") && paths.contains("memlens/imports.py"))
        for file in Self.standalone {
            let lines = file.text.split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("from memlens._shared import") || $0.hasPrefix("from ._shared import") },
                    "\(file.path) still imports the shared helpers")
            for helper in ["qualified_name", "parse_rollup", "write_atomically", "python_version"] where file.text.contains(helper + "(") {
                #expect(lines.contains { $0.hasPrefix("def \(helper)(") }, "\(file.path) uses \(helper) without defining it")
            }
        }
    }

    /// GIVEN every embedded file written out as shipped, WHEN each interpreter
    /// compiles them, THEN none has a syntax error on any of 3.8–3.13.
    @Test(arguments: PythonInterpreter.installed)
    func compilesOnEveryInterpreter(python: PythonInterpreter) throws {
        let folder = try TestPaths.temporaryFolder("embedded-agent")
        defer { try? FileManager.default.removeItem(at: folder) }
        var written: [String] = []
        for file in EmbeddedPython.files {
            let url = folder.appending(path: file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
            written.append(url.path)
        }
        let check = "import sys\nfor path in sys.argv[1:]:\n    compile(open(path, 'rb').read(), path, 'exec')\n"
        let result = try runCommand([python.path, "-c", check] + written)
        #expect(result.status == 0, "\(python.version): \(result.stderr)")
    }

    /// GIVEN the version written once, as the Python package's `__version__`,
    /// THEN `memlens --version` prints it.
    @Test func oneVersion() throws {
        let source = try String(contentsOf: TestPaths.packageRoot.appending(path: "python/memlens/__init__.py"), encoding: .utf8)
        let line = try #require(source.split(separator: "\n").first { $0.hasPrefix("__version__ = \"") })
        let result = try runCommand([TestPaths.memlens, "--version"])
        #expect(result.status == 0 && "__version__ = \"\(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))\"" == line)
    }
}
