import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct SuspectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suspects",
        abstract: "Leak suspects: objects that keep a large part of the heap alive, and growing types.",
        discussion: """
            As Eclipse MAT does: every object retaining 10% or more of the heap whose
            dominator-tree children do not (where the memory accumulates), with its path
            from a root. With an older snapshot, also the types whose count grew, each
            with the path to one new instance.

              memlens suspects snaps/1234-2.mlh
              memlens suspects snaps/1234-2.mlh snaps/1234-1.mlh
            """
    )

    @OptionGroup var snapshot: SnapshotFileArgument

    @Argument(help: "An older snapshot of the same process, to find growing types.")
    var older: String?

    @Option(parsing: .unconditional, help: "Share of the heap an object must retain, in percent.")
    var threshold = 10.0

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard threshold > 0, threshold <= 100 else { throw ValidationError("--threshold is a percentage in (0, 100]") }
    }

    func run() throws {
        let graph = try snapshot.load()
        let old = try older.map { try loadSnapshot($0, contents: .objects) }
        if let old, let a = old.metadata.python, let b = graph.metadata.python, a != b {
            printError("error: \(older ?? ""): Python \(a), but \(snapshot.file) is Python \(b); "
                + "objects cannot be matched across interpreters")
            throw ExitCode.failure
        }
        let suspects = LeakSuspects(graph, retained: RetainedSizes(graph), older: old, threshold: threshold / 100)
        var targets = Set(suspects.accumulations.map(\.object))
        for g in suspects.growing.prefix(20) { if let e = g.example { targets.insert(e) } }
        let paths = PathFinder(graph, targets: targets)
        let labels = EdgeLabels(graph)
        try report.emit(text: FindingsReport.suspectsText(suspects, graph: graph, labels: labels, paths: paths),
                        json: FindingsReport.suspectsJSON(suspects, graph: graph, labels: labels, paths: paths))
    }
}
