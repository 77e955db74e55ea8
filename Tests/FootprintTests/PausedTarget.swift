import Foundation
import TestSupport

/// A Python target that sets itself up, prints one line, then blocks reading
/// stdin until ``finish()`` closes it: a quiescent process to measure.
final class PausedTarget {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    /// The first line the target printed.
    private(set) var firstLine = ""

    init(_ python: PythonInterpreter, script: String) throws {
        process.executableURL = URL(fileURLWithPath: python.path)
        process.arguments = ["-c", script]
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

    var pid: Int32 { process.processIdentifier }

    /// Closes stdin (the target and its children see EOF and exit) and waits.
    func finish() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // SIGTERM may be blocked in children of the test runner
    }
}

/// `/proc/PID/smaps_rollup` parsed the plain way (independently of ProcFS), in bytes.
func kernelRollup(_ pid: Int32) throws -> [String: UInt64] {
    let text = try String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)
    var fields: [String: UInt64] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0].hasSuffix(":"), let kB = UInt64(parts[1]) else { continue }
        fields[String(parts[0].dropLast())] = kB * 1024
    }
    return fields
}

/// Runs memlens with `arguments` and decodes stdout as a JSON object.
func memlensJSON(_ arguments: [String]) throws -> (CommandResult, [String: Any]) {
    let result = try runCommand([TestPaths.memlens] + arguments)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    return (result, object ?? [:])
}
