import Foundation
import Testing
import TestSupport

/// `pip install ./python` in a fresh venv gives the in-app API: the agent is a
/// package of its own, importable without memlens's binary.
@Suite("pip install ./python")
struct PipInstallTests {
    /// GIVEN a new venv of the newest pyenv Python (pip fetches the build backend,
    /// setuptools, as for any user), WHEN `pip install ./python` runs in it, THEN
    /// `memlens.dump(path)` from that venv writes a snapshot memlens reads, with the
    /// objects the program holds.
    @Test(.timeLimit(.minutes(3)), arguments: PythonInterpreter.installed.suffix(1))
    func installsInAFreshVenv(python: PythonInterpreter) throws {
        let folder = try TestPaths.temporaryFolder("pip-install")
        defer { try? FileManager.default.removeItem(at: folder) }
        let venv = folder.appending(path: "venv").path
        let created = try runCommand([python.path, "-m", "venv", venv])
        try #require(created.status == 0, "\(created.stderr)")
        // A copy: setuptools builds in the source folder (build/, *.egg-info), which must stay clean.
        let package = folder.appending(path: "python").path
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot.appending(path: "python").path, toPath: package)
        let install = try runCommand([venv + "/bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package])
        try #require(install.status == 0, "\(install.stdout)\n\(install.stderr)")

        let snapshot = folder.appending(path: "app.mlh").path
        let script = """
            import memlens, sys
            assert "site-packages" in memlens.__file__, memlens.__file__
            class Kept: pass
            kept = [Kept() for _ in range(321)]
            memlens.dump(sys.argv[1])
            """
        let run = try runCommand([venv + "/bin/python", "-c", script, snapshot], environment: ["PATH": "/usr/bin:/bin"])
        try #require(run.status == 0, "\(run.stderr)")
        let summary = try runCommand([TestPaths.memlens, "summary", snapshot, "--json", "--top", "100000"])
        #expect(summary.status == 0, "\(summary.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any]
        let types = document?["types"] as? [[String: Any]] ?? []
        #expect(types.first { $0["type"] as? String == "__main__.Kept" }?["count"] as? Int == 321, "\(summary.stdout.prefix(400))")
    }
}
