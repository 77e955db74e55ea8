public import ProcessModels
import Foundation
import SafeFiles

/// Runs a Python command for `memlens imports -- CMD` with the import-cost
/// hook (`python/memlens/imports.py`, which the watch hooks import too) loaded
/// through a `sitecustomize` of its own, and reads back its report.
public enum ImportsLauncher {
    /// Why no profile came back.
    public enum Failure: Error, CustomStringConvertible {
        case noReport(status: Int32)
        case badReport(String)

        public var description: String {
            switch self {
            case .noReport(let status):
                return "the command wrote no import report (exit status \(status)): is it CPython 3.8 or later, "
                    + "and did it exit normally (not os._exit, exec or a signal)?"
            case .badReport(let detail): return "unreadable import report: \(detail)"
            }
        }
    }

    /// Runs `command` (argv; `command[0]` looked up on `PATH`) to completion,
    /// its stdout sent to stderr so memlens's stdout stays the report's.
    /// Returns the profile and the command's exit status (128 + signal number
    /// if a signal ended it).
    public static func run(_ command: [String]) throws -> (profile: ImportProfile, status: Int32) {
        precondition(!command.isEmpty)
        let folder = try ChildProcess.hookFolder("memlens/imports.py", module: "_memlens_imports", prefix: "memlens-imports")
        defer { folder.remove() }
        let environment = ChildProcess.environment(pythonPathFirst: folder.path, ["MEMLENS_IMPORTS_OUTPUT": folder.path + "/imports.json"])
        let signals = ForwardedSignals()
        defer { signals.restore() }
        let child = try ProcessSpawner.spawn(command, environment: environment, stdoutToStderr: true)
        let status = signals.waitForExit(child)

        guard let bytes = try? folder.directory.readRegularFile("imports.json", limitBytes: 64 << 20) else {
            throw Failure.noReport(status: status)
        }
        do {
            return (try JSONDecoder().decode(ImportProfile.self, from: Data(bytes)), status)
        } catch {
            throw Failure.badReport(String(describing: error))
        }
    }
}
