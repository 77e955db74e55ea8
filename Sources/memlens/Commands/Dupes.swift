import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct DupesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dupes",
        abstract: "Strings and bytes held many times with the same value.",
        discussion: """
            Every copy after the first is memory that interning (sys.intern) or a cache
            could save. Only values recorded whole (up to 100 characters) are compared.

              memlens dupes snaps/1234-1.mlh --top 20
            """
    )

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(parsing: .unconditional, help: "Show this many values.")
    var top: Count = 20

    @OptionGroup var report: ReportOptions

    func run() throws {
        let graph = try snapshot.load()
        guard graph.metadata.values != false else {
            printError("error: \(snapshot.file) was taken with --no-values: it has no values to compare")
            throw ExitCode.failure
        }
        let dupes = DuplicateStrings(graph)
        try report.emit(text: FindingsReport.dupesText(dupes, top: top.value), json: FindingsReport.dupesJSON(dupes, top: top.value))
    }
}
