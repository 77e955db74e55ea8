public import Foundation

/// A virtual environment with packages from PyPI for checkers that need them
/// (networkx), made once under `.build/test-venvs/NAME` with `python -m venv`
/// and pip, and reused by later runs.
public enum PythonVenv {
    /// The venv's python, creating the venv and installing `packages` first if needed.
    /// Debian's 3.14/3.15 (``SidPython``): the venv is made in the sid root, and its python is run there by
    /// `bin/python-sid`, a link to `scripts/sid/python` (pip there uses the package index, not the host's wheels).
    public static func python(named name: String, packages: [String], base: PythonInterpreter) throws -> String {
        let folder = TestPaths.packageRoot.appending(path: ".build/test-venvs/\(name)-\(base.minor)")
        var python = folder.appending(path: "bin/python").path
        if base.inSidRoot { python += "-sid" }
        let marker = folder.appending(path: "installed").path
        if FileManager.default.fileExists(atPath: marker) { return python }
        // Suites running side by side may want the same venv (NumpyArrayTests and PandasProcessTests):
        // one makes it, the others wait on its lock file and then find it made.
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = open(folder.path + ".lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw VenvError(message: "venv: cannot open \(folder.path).lock: errno \(errno)") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw VenvError(message: "venv: cannot lock \(folder.path).lock: errno \(errno)") }
        if FileManager.default.fileExists(atPath: marker) { return python }
        let create = try runCommand([base.path, "-m", "venv", "--clear", folder.path])
        guard create.status == 0 else { throw VenvError(message: "venv: \(create.stderr)") }
        var environment = ProcessInfo.processInfo.environment
        if base.inSidRoot {
            try FileManager.default.createSymbolicLink(atPath: python, withDestinationPath: base.path)
            environment["PIP_FIND_LINKS"] = nil
        }
        let install = try runCommand([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages,
                                     environment: environment, timeoutSeconds: 600)
        guard install.status == 0 else { throw VenvError(message: "pip install \(packages): \(install.stderr)") }
        FileManager.default.createFile(atPath: marker, contents: Data())
        return python
    }

    struct VenvError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
