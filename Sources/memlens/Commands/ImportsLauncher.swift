import Agent
import ProcessModels
import Foundation
import SafeFiles
import Reports

/// Runs a Python command with the import-cost hook (`python/memlens/imports.py`)
/// loaded through a `sitecustomize` of its own, and reads back its report.
enum ImportsLauncher {
    /// Why no profile came back.
    enum Failure: Error, CustomStringConvertible {
        case hookMissing
        case commandNotFound(String)
        case noReport(status: Int32)
        case badReport(String)

        var description: String {
            switch self {
            case .hookMissing: return "this memlens was built without python/memlens/imports.py"
            case .commandNotFound(let name): return "command not found: \(name)"
            case .noReport(let status):
                return "the command wrote no import report (exit status \(status)): is it CPython 3.8 or later, "
                    + "and did it exit normally (not os._exit, exec or a signal)?"
            case .badReport(let detail): return "unreadable import report: \(detail)"
            }
        }
    }

    /// The `sitecustomize.py` next to the hook: start it, then chain the user's own.
    static let sitecustomize = """
        # Written by memlens imports: records what each import costs, then runs your own sitecustomize.
        import _memlens_imports
        _memlens_imports.start()


        import _memlens_chain
        _memlens_chain.chain_sitecustomize(__file__)

        """

    /// Runs `command` (argv; `command[0]` looked up on `PATH`) to completion.
    /// The command's stdout goes to stderr, so stdout stays the report's.
    static func run(_ command: [String]) throws -> (profile: ImportProfile, status: Int32) {
        guard let hook = AgentFiles.text(of: "memlens/imports.py") else { throw Failure.hookMissing }
        let folder = try PrivateFolder.create(prefix: "memlens-imports")
        defer { folder.remove() }
        try folder.directory.createFile("_memlens_imports.py", contents: Array(hook.utf8), mode: AgentFiles.readable)
        try AgentFiles.writeSitecustomize(sitecustomize, into: folder.directory)
        let reportPath = folder.path + "/imports.json"

        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = folder.path + (environment["PYTHONPATH"].map { ":" + $0 } ?? "")
        environment["MEMLENS_IMPORTS_OUTPUT"] = reportPath

        let process = Process()
        process.executableURL = try executable(command[0], path: environment["PATH"] ?? "/usr/bin:/bin")
        process.arguments = Array(command.dropFirst())
        process.environment = environment
        process.standardOutput = FileHandle.standardError
        try process.run()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus

        guard let bytes = try? folder.directory.readRegularFile("imports.json", limitBytes: 64 << 20) else { throw Failure.noReport(status: status) }
        let data = Data(bytes)
        do {
            return (try JSONDecoder().decode(ImportProfile.self, from: data), status)
        } catch {
            throw Failure.badReport(String(describing: error))
        }
    }

    /// `name` as given if it holds a slash, else the first match on `path`.
    static func executable(_ name: String, path: String) throws -> URL {
        if name.contains("/") { return URL(fileURLWithPath: name) }
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        throw Failure.commandNotFound(name)
    }
}
