public import Foundation
public import Testing

/// A pyenv-installed CPython the tests run real targets on. Tests iterate
/// `PythonInterpreter.installed` (every pyenv 3.8–3.13 present; never the
/// default `python3`), so a missing version is skipped, not failed. A machine
/// with none at all fails those tests (see ``installed``) unless
/// `MEMLENS_ALLOW_NO_PYTHON=1` says skipping them is intended.
public struct PythonInterpreter: Sendable, CustomStringConvertible, Hashable {
    /// `3.11.7`.
    public let version: String
    private let command: String

    /// Absolute path of the interpreter binary (3.14/3.15: `scripts/sid/python3.X`). Using the ``missing``
    /// placeholder's records a test failure that says what to install.
    public var path: String {
        if self == Self.missing { Issue.record(Comment(rawValue: Self.noneFound)) }
        return command
    }

    public init(version: String, path: String) {
        self.version = version
        self.command = path
    }

    public var description: String { self == Self.missing ? "no pyenv Python" : "Python \(version)" }

    /// Debian's 3.14/3.15 run in the sid root through `scripts/sid/` (``SidPython/interpreter``).
    public var inSidRoot: Bool { command.hasPrefix(TestPaths.packageRoot.appending(path: "scripts/sid/").path) }

    /// The interpreter's executable as this machine's files name it (for `--exe`): 3.14/3.15's in the sid root.
    public var executable: String {
        inSidRoot ? (SidPython.root ?? "") + "/usr/bin/" + URL(fileURLWithPath: path).lastPathComponent : path
    }

    /// `3.11` from `3.11.7`.
    public var minor: String { version.split(separator: ".").prefix(2).joined(separator: ".") }

    /// Every pyenv CPython 3.8–3.13 on this machine, oldest first; may be empty.
    public static let found: [PythonInterpreter] = {
        let root = ProcessInfo.processInfo.environment["PYENV_ROOT"]
            ?? (NSHomeDirectory() + "/.pyenv")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root + "/versions")) ?? []
        let wanted = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]
        var found: [PythonInterpreter] = []
        for minor in wanted {
            let candidates = versions.filter { $0.hasPrefix(minor + ".") && $0.dropFirst(minor.count + 1).allSatisfy(\.isNumber) }
            guard let best = candidates.max(by: { $0.compare($1, options: .numeric) == .orderedAscending }) else { continue }
            let path = root + "/versions/\(best)/bin/python" + minor
            if FileManager.default.isExecutableFile(atPath: path) { found.append(PythonInterpreter(version: best, path: path)) }
        }
        return found
    }()

    /// Whether `MEMLENS_ALLOW_NO_PYTHON=1` lets tests over interpreters run zero cases.
    public static let allowsNone = ProcessInfo.processInfo.environment["MEMLENS_ALLOW_NO_PYTHON"] == "1"

    /// The placeholder ``installed`` holds when no interpreter is found: a test
    /// given it fails on its first use of ``path`` instead of passing empty.
    public static let missing = PythonInterpreter(version: "none", path: "/nonexistent/pyenv-python-3.8-3.13")

    static let noneFound = """
        no pyenv Python 3.8–3.13 under $PYENV_ROOT or ~/.pyenv/versions: nothing would be tested. \
        Install one (pyenv install 3.11) or set MEMLENS_ALLOW_NO_PYTHON=1 to skip these tests.
        """

    /// The interpreters tests run on: every one ``found``, or, when there is
    /// none, the ``missing`` placeholder (so `@Test(arguments: installed)` and
    /// `.enabled(if: !installed.isEmpty)` fail rather than pass having run
    /// nothing) unless ``allowsNone``.
    public static let installed: [PythonInterpreter] = found.isEmpty && !allowsNone ? [missing] : found

    /// ``installed``, then Debian's 3.14 and 3.15 (``SidPython``), for the tests that run every version:
    /// a missing sid root is a ``missing`` placeholder that fails (unless ``allowsNone``).
    public static let withModern: [PythonInterpreter] = installed + modern

    /// Debian's 3.14 and 3.15 alone (each asked its version once), or the placeholder without the root.
    public static let modern: [PythonInterpreter] = SidPython.installed.map(\.interpreter)

    /// ``installed`` of the given minor versions (`["3.8", "3.9"]`), or the
    /// placeholder when none of them is found, unless ``allowsNone``.
    public static func of(minors: [String]) -> [PythonInterpreter] {
        let matching = found.filter { minors.contains($0.minor) }
        return matching.isEmpty && !allowsNone ? [missing] : matching
    }

    /// Whether a pyenv Python of `minor` (e.g. `3.8`) is present.
    public static func has(_ minor: String) -> Bool { found.contains { $0.minor == minor } }

    /// The interpreter of `minor`, if present.
    public static func named(_ minor: String) -> PythonInterpreter? { found.first { $0.minor == minor } }
}

extension Trait where Self == ConditionTrait {
    /// For a test that needs a pyenv Python without being parameterized over
    /// them: it runs, and fails on the ``PythonInterpreter/missing`` placeholder
    /// when none is found, unless `MEMLENS_ALLOW_NO_PYTHON=1` (then it is skipped).
    public static var needsPython: Self {
        .enabled(if: !PythonInterpreter.installed.isEmpty, "no pyenv Python 3.8–3.13, and MEMLENS_ALLOW_NO_PYTHON=1")
    }
}

/// Paths of things the tests need, found from this source file's location.
public enum TestPaths {
    /// The package root (holds Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appending(path: "Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The built `memlens` binary next to the test bundle (`swift test` builds it).
    public static var memlens: String {
        let bundle = Bundle.main.bundleURL
        for candidate in [bundle.appending(path: "memlens"), bundle.deletingLastPathComponent().appending(path: "memlens")] {
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return packageRoot.appending(path: ".build/debug/memlens").path
    }

    /// A new empty folder under the system temporary folder, removed with
    /// everything in it when the test process exits (kept with `MEMLENS_KEEP_TEST_FILES=1`).
    public static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "memlens-test-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        TemporaryFolders.shared.add(url.path)
        return url
    }
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs `arguments` (argv[0] an absolute path) and waits; stdin is /dev/null.
public func runCommand(_ arguments: [String], environment: [String: String]? = nil, timeoutSeconds: Double = 300) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: arguments[0])
    process.arguments = Array(arguments.dropFirst())
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = LockedData(), errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    if group.wait(timeout: .now() + timeoutSeconds) == .timedOut {
        kill(process.processIdentifier, SIGKILL)  // SIGTERM may be blocked in children of the test runner
        group.wait()
    }
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData.get(), as: UTF8.self),
        stderr: String(decoding: errData.get(), as: UTF8.self)
    )
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
}

/// The folders ``TestPaths/temporaryFolder(_:)`` made, removed at exit.
private final class TemporaryFolders: @unchecked Sendable {
    static let shared: TemporaryFolders = {
        let folders = TemporaryFolders()
        if ProcessInfo.processInfo.environment["MEMLENS_KEEP_TEST_FILES"] != "1" {
            atexit { TemporaryFolders.shared.removeAll() }
        }
        return folders
    }()

    private let lock = NSLock()
    private var paths: [String] = []

    func add(_ path: String) { lock.withLock { paths.append(path) } }

    func removeAll() {
        for path in lock.withLock({ paths }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
