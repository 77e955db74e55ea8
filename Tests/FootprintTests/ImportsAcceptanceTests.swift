import Foundation
import Testing
import TestSupport

/// `memlens imports` on every pyenv interpreter, with modules written by the test.
@Suite(.timeLimit(.minutes(3)))
struct ImportsAcceptanceTests {
    /// A folder holding `fifty_mib` (allocates 50 MiB at import and imports
    /// `fifty_mib_helper`, which imports `fifty_mib_leaf`).
    static func modules() throws -> URL {
        let folder = try TestPaths.temporaryFolder("imports")
        try """
            import json
            import fifty_mib_helper
            BLOB = b"x" * (50 << 20)
            """.write(to: folder.appending(path: "fifty_mib.py"), atomically: true, encoding: .utf8)
        try "import fifty_mib_leaf\nVALUE = [1, 2, 3]\n".write(to: folder.appending(path: "fifty_mib_helper.py"), atomically: true,
            encoding: .utf8)
        try "LEAF = {'a': 1}\n".write(to: folder.appending(path: "fifty_mib_leaf.py"), atomically: true, encoding: .utf8)
        return folder
    }

    static func environment(_ folder: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = folder.path
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        return environment
    }

    @Test(arguments: PythonInterpreter.installed)
    func fiftyMiBModuleRanksFirstAndNestsItsImports(_ python: PythonInterpreter) throws {
        // GIVEN stdlib imports and a module allocating 50 MiB at import time
        let folder = try Self.modules()
        defer { try? FileManager.default.removeItem(at: folder) }
        // WHEN memlens profiles the imports
        let result = try runCommand(
            [TestPaths.memlens, "imports", "--json", "--", python.path, "-c", "import email.mime.text, decimal, fifty_mib; print('done')"],
            environment: Self.environment(folder)
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("done"))  // the command's stdout goes to stderr
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let modules = try #require(document["modules"] as? [[String: Any]])
        // THEN it ranks first with 50 MiB ± 2 MiB
        let first = try #require(modules.first)
        #expect(first["name"] as? String == "fifty_mib")
        let cumulative = try #require(first["cumulative_bytes"] as? Int64)
        let selfBytes = try #require(first["self_bytes"] as? Int64)
        #expect(abs(cumulative - (50 << 20)) <= 2 << 20, "cumulative \(cumulative)")
        #expect(abs(selfBytes - (50 << 20)) <= 2 << 20, "self \(selfBytes)")
        #expect((first["cumulative_us"] as? Int64 ?? 0) >= (first["self_us"] as? Int64 ?? 0))
        #expect(first["objects"] is Int64)
        // AND its own imports are nested under it
        let byName = Dictionary(modules.compactMap { m in (m["name"] as? String).map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        #expect(byName["fifty_mib_helper"]?["parent"] as? String == "fifty_mib")
        #expect(byName["fifty_mib_leaf"]?["parent"] as? String == "fifty_mib_helper")
        #expect(byName["fifty_mib_leaf"]?["depth"] as? Int == 2)
        #expect(byName["email.mime.text"] != nil)
        #expect(byName["decimal"]?["parent"] is NSNull)
        // AND the text view shows the same tree, indented
        let text = try runCommand([TestPaths.memlens, "imports", "--", python.path, "-c", "import fifty_mib"],
                                  environment: Self.environment(folder))
        #expect(text.status == 0)
        let lines = text.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasSuffix(" fifty_mib") })
        #expect(lines.contains { $0.hasSuffix("   fifty_mib_helper") })
        #expect(lines.contains { $0.hasSuffix("     fifty_mib_leaf") })
    }

    @Test func commandWithoutPythonGivesOneLine() throws {
        let result = try runCommand([TestPaths.memlens, "imports", "--", "/bin/true"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error: the command wrote no import report"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// GIVEN a command that exits 3, WHEN memlens imports runs it, THEN memlens
    /// exits 3 too, after the report of what was imported.
    @Test(arguments: PythonInterpreter.installed.suffix(1))
    func exitsWithTheCommandsStatus(python: PythonInterpreter) throws {
        let result = try runCommand([TestPaths.memlens, "imports", "--", python.path, "-c", "import json; raise SystemExit(3)"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains(" json"))
        #expect(result.stderr.contains("the command exited with status 3"))
    }
}
