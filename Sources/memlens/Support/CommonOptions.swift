import ArgumentParser
import Foundation
import HeapGraph
import ProcessModels
import Reports

/// Flags every report command takes.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on stdout instead of tables.")
    var json = false

    /// Prints the report on stdout: the `json` document with --json, else the
    /// `text` (it ends in a newline) with control characters from a target or
    /// a file escaped (``TerminalText``). Only the form printed is made.
    func emit(text: @autoclosure () throws -> String, json: @autoclosure () throws -> String) throws {
        if self.json { print(try json()) } else { print(TerminalText.escaped(try text()), terminator: "") }
    }

    /// A progress line on stderr, left out with --json (the document says what matters).
    func progress(_ line: String) {
        if !json { printError(line) }
    }
}

/// What a command reads: a live process, or a file (a snapshot, or a core).
enum ProcessOrFile: ExpressibleByArgument, Sendable {
    case process(Int32)
    case file(String)

    /// A whole number is a process id (and must be positive); anything else a path.
    init?(argument: String) {
        if let pid = Int32(argument) {
            guard pid > 0 else { return nil }
            self = .process(pid)
        } else {
            self = .file(argument)
        }
    }

    /// The process id, when the target is a process.
    var pid: Int32? { if case .process(let pid) = self { pid } else { nil } }

    /// The path, when the target is a file.
    var file: String? { if case .file(let path) = self { path } else { nil } }
}

/// Prints `error: …` on stderr and exits 1 for any failure `body` throws.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("error: " + errorText(error))
        throw ExitCode.failure
    }
}

/// An error's one line, its hints spelled as this command line's flags (``UsageHint/flag``).
func errorText(_ error: any Error) -> String {
    (error as? any HintedError)?.message.rendered(\.flag) ?? "\(error)"
}

/// Writes a line to stderr (diagnostics and progress never go to stdout),
/// with control characters escaped (``TerminalText``): errors and progress
/// lines quote names from targets and files.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((TerminalText.escaped(line) + "\n").utf8))
}

/// Loads a snapshot (`.mlh` or meliae JSON), reporting failure as `error: …`, exit 1.
func loadSnapshot(_ path: String, contents: SnapshotContents = .full) throws -> HeapGraph {
    try reportingErrors { try SnapshotLoader.load(path: path, contents: contents) }
}

/// A count on the command line (`--top`, `--max`, `--depth`, `--count`): a
/// whole number of at least 1, rejected as a usage error otherwise.
struct Count: ExpressibleByArgument, ExpressibleByIntegerLiteral, CustomStringConvertible, Sendable {
    var value: Int

    init(integerLiteral value: Int) { self.value = value }

    init?(argument: String) {
        guard let value = Int(argument), value > 0 else { return nil }
        self.value = value
    }

    var description: String { String(value) }
}
