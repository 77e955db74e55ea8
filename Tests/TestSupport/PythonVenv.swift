public import Foundation

/// A virtual environment with packages from PyPI for checkers that need them
/// (networkx), made once under `.build/test-venvs/NAME` with `python -m venv`
/// and pip, and reused by later runs.
public enum PythonVenv {
    /// The venv's python, creating the venv and installing `packages` first if needed.
    public static func python(named name: String, packages: [String], base: PythonInterpreter) throws -> String {
        let folder = TestPaths.packageRoot.appending(path: ".build/test-venvs/\(name)-\(base.minor)")
        let python = folder.appending(path: "bin/python").path
        let marker = folder.appending(path: "installed").path
        if FileManager.default.fileExists(atPath: marker) { return python }
        let create = try runCommand([base.path, "-m", "venv", "--clear", folder.path])
        guard create.status == 0 else { throw VenvError(message: "venv: \(create.stderr)") }
        let install = try runCommand([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        guard install.status == 0 else { throw VenvError(message: "pip install \(packages): \(install.stderr)") }
        FileManager.default.createFile(atPath: marker, contents: Data())
        return python
    }

    struct VenvError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
