import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Objects in a snapshot by type: count, total size, largest.",
        discussion: """
            Reads a memlens snapshot (.mlh) or a meliae JSON dump (recognised by
            content) and prints a table like meliae's summarize(): one row per type,
            largest total size first, with cumulative percentages.

              memlens summary snaps/1234-1.mlh --top 20
              # fold instance __dict__s into their owners
              memlens summary dump.json --collapse-dicts
              memlens summary snaps/1234-1.mlh --json | jq '.types[0]'
            """
    )

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(parsing: .unconditional, help: "Show this many types.")
    var top: Count = 20

    @Flag(help: "Count each instance __dict__ as part of the object that owns it.")
    var collapseDicts = false

    @OptionGroup var report: ReportOptions

    func validate() throws {
    }

    func run() throws {
        // By type needs no edges or values; folding instance dicts needs the edges.
        let graph = try snapshot.load(collapseDicts ? .full : .objects)
        let collapse = collapseDicts ? InstanceDictCollapse(graph) : nil
        let summary = TypeSummary(graph, collapsing: collapse)
        let folded = collapse.map { "Folded \($0.foldedCount) instance dicts into their owners.\n" } ?? ""
        try report.emit(text: SummaryReport.text(summary, metadata: graph.metadata, path: snapshot.file, top: top.value) + folded,
                        json: SummaryReport.json(summary, metadata: graph.metadata, top: top.value))
    }
}
