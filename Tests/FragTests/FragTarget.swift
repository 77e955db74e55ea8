import Foundation
import TestSupport

/// Seed 000's example (`Fixtures/frag_target.py`) as a live target that
/// answers commands on stdin; its stderr (where `sys._debugmallocstats()`
/// writes) goes to a file.
final class FragTarget {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    let stderrPath: String
    private var pending = Data()

    /// Starts the target and waits until it has built its strings.
    /// `environment` is added to the test's own.
    init(_ python: PythonInterpreter, scale: Double, keepEvery: Int, environment: [String: String] = [:]) throws {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { throw CocoaError(.fileNoSuchFile) }
        stderrPath = try TestPaths.temporaryFolder("frag").appending(path: "stderr.txt").path
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: python.path)
        process.arguments = [folder.appending(path: "frag_target.py").path, String(scale), String(keepEvery)]
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        _ = readLine()  // "ready PID"
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends `command` and returns the target's one-line answer.
    @discardableResult
    func ask(_ command: String) -> String {
        input.fileHandleForWriting.write(Data((command + "\n").utf8))
        return readLine()
    }

    private func readLine() -> String {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return "" }
            pending.append(chunk)
        }
    }

    /// The target's RSS in bytes, as it reads it itself.
    func rss() -> UInt64 { UInt64(ask("rss").split(separator: " ").last ?? "") ?? 0 }

    /// `sys._debugmallocstats()` run in the target: `# arenas allocated current` and `# bytes in allocated blocks`.
    func debugMallocStats() throws -> (arenas: Int, allocatedBytes: UInt64) {
        try Data().write(to: URL(fileURLWithPath: stderrPath))
        _ = ask("stats")
        let text = try String(contentsOfFile: stderrPath, encoding: .utf8)
        func value(_ key: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(key) }?.split(separator: "=").last?
                .filter { $0.isNumber }
        }
        return (Int(value("# arenas allocated current") ?? "") ?? -1, UInt64(value("# bytes in allocated blocks") ?? "") ?? 0)
    }

    /// The state letter from /proc/PID/stat (`S`, `R`, `t` when traced-stopped).
    func state() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return "?" }
        return String(stat[stat.index(close, offsetBy: 2)])
    }

    deinit {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }  // SIGTERM may be blocked in children of the test runner
        process.waitUntilExit()
    }
}
