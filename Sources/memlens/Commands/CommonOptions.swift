import ArgumentParser
import Foundation
import HeapGraph

/// Flags every report command takes.
struct ReportOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on stdout instead of tables.")
    var json = false
}

/// Prints `error: …` on stderr and exits 1 for any failure `body` throws.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError("error: \(error)")
        throw ExitCode.failure
    }
}

/// Writes a line to stderr (diagnostics and progress never go to stdout).
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
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
