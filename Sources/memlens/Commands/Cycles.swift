import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct CyclesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycles",
        abstract: "Reference cycles: groups of objects that refer to each other.",
        discussion: """
            Objects in a cycle wait for the cyclic garbage collector. Each row is a
            strongly connected component of two or more objects, with its own size and
            what it retains. References to classes and modules, and functions'
            __globals__, are not followed: through them every module's objects would
            form one cycle.

              memlens cycles snaps/1234-1.mlh --top 10
            """
    )

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(parsing: .unconditional, help: "Show this many cycles.")
    var top: Count = 20

    @OptionGroup var report: ReportOptions

    func run() throws {
        let graph = try snapshot.load()
        let cycles = Cycles(graph, retained: RetainedSizes(graph))
        try report.emit(text: FindingsReport.cyclesText(cycles, graph: graph, labels: EdgeLabels(graph), top: top.value),
                        json: FindingsReport.cyclesJSON(cycles, graph: graph, top: top.value))
    }
}
