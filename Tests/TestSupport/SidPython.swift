public import Foundation

/// Debian's CPython 3.14 and 3.15, run in the sid root `scripts/sid-root`
/// makes (`MEMLENS_SID_ROOT`, default `/var/cache/memlens/sid-root`): a
/// target is `chroot ROOT python3.X …`, a process memlens sees as any
/// container's. A test over them finds none only when the root is missing,
/// and then fails (unless `MEMLENS_ALLOW_NO_PYTHON=1`), naming the script.
public struct SidPython: Sendable, CustomStringConvertible, Hashable {
    /// `3.14`, `3.15`.
    public let minor: String
    /// The root the interpreter lives in.
    public let root: String

    public var description: String { root.isEmpty ? "no sid root (run scripts/sid-root as root)" : "Debian's Python \(minor)" }

    /// The sid root, when it is complete.
    public static let root: String? = {
        let root = ProcessInfo.processInfo.environment["MEMLENS_SID_ROOT"] ?? "/var/cache/memlens/sid-root"
        return FileManager.default.fileExists(atPath: root + "/.memlens-complete") ? root : nil
    }()

    /// 3.14 and 3.15 when the root is there; else one placeholder that fails
    /// the test it runs in (none when `MEMLENS_ALLOW_NO_PYTHON=1`).
    public static let installed: [SidPython] = {
        if let root { return ["3.14", "3.15"].map { SidPython(minor: $0, root: root) } }
        return PythonInterpreter.allowsNone ? [] : [SidPython(minor: "none", root: "")]
    }()

    /// The interpreter as the 3.8–3.13 tests take one: `scripts/sid/python3.X`, which runs it in the
    /// root with the package and temporary folders at their own paths (so fixtures, the agent and
    /// output folders are where the host has them); ``PythonInterpreter/missing`` without the root.
    public var interpreter: PythonInterpreter {
        guard !root.isEmpty else { return .missing }
        let path = TestPaths.packageRoot.appending(path: "scripts/sid/python\(minor)").path
        let version = (try? runCommand([path, "-c", "import platform; print(platform.python_version())"]))?.stdout
        return PythonInterpreter(version: version?.trimmingCharacters(in: .whitespacesAndNewlines) ?? minor, path: path)
    }

    /// argv that runs `python3.X arguments…` in the root (chroot alone: the root's own folders only).
    public func command(_ arguments: [String]) -> [String] {
        ["/usr/sbin/chroot", root, "python" + minor] + arguments
    }

    /// A target running `script` in the root (its pid is the interpreter's:
    /// chroot execs it), after failing the test if the root is missing.
    public func target(_ script: String) throws -> WaitingTarget {
        guard !root.isEmpty else { throw SidRootMissing() }
        let command = command(["-c", script])
        return try WaitingTarget(executable: command[0], arguments: Array(command.dropFirst()))
    }

    /// The root's path for a file the target sees at `path`.
    public func hostPath(_ path: String) -> String { root + path }
}

/// The sid root is missing: the 3.14/3.15 tests cannot run.
public struct SidRootMissing: Error, CustomStringConvertible {
    public var description: String {
        "no Debian sid root with python3.14/3.15: run scripts/sid-root as root (scripts/test does), or set MEMLENS_SID_ROOT"
    }
}
