public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Python target that sets itself up, prints one line, then blocks reading
/// stdin until ``finish()`` closes it: a quiescent process to measure.
public final class WaitingTarget {
    public let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    /// The first line the target printed.
    public private(set) var firstLine = ""

    /// Runs `python -c script`.
    public convenience init(_ python: PythonInterpreter, script: String) throws {
        try self.init(executable: python.path, arguments: ["-c", script])
    }

    /// Runs `python arguments…` with `environment` added to ours.
    public convenience init(_ python: PythonInterpreter, arguments: [String], environment: [String: String] = [:]) throws {
        try self.init(executable: python.path, arguments: arguments, environment: environment)
    }

    /// Runs `executable arguments…` with `environment` added to ours.
    public init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte.first == 0x0A { break }
            line.append(byte)
        }
        firstLine = String(decoding: line, as: UTF8.self)
    }

    public var pid: Int32 { process.processIdentifier }

    /// Whether the target still runs and is not stopped (state in /proc/PID/stat is not `t`/`T`).
    public var isRunningFreely: Bool {
        guard process.isRunning, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)]
        return state != "t" && state != "T"
    }

    /// Closes stdin (the target sees EOF and exits) and waits.
    public func finish() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // SIGTERM may be blocked in children of the test runner
    }
}

/// Runs memlens with `arguments` and decodes stdout as a JSON object.
public func memlensJSON(_ arguments: [String]) throws -> (CommandResult, [String: Any]) {
    let result = try runCommand([TestPaths.memlens] + arguments)
    let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    return (result, object ?? [:])
}
