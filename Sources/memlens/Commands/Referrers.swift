import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct ReferrersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrers",
        abstract: "What refers to an object, and what refers to those, to a depth.",
        discussion: """
              memlens referrers snaps/1234-1.mlh --address 0x7f3a2c1b4e80 --depth 2
            """
    )

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(help: "The object's hex address.")
    var address: String

    @Option(parsing: .unconditional, help: "Levels of referrers to show.")
    var depth: Count = 2

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard parseAddress(address) != nil else { throw ValidationError("'\(address)' is not a hex address") }
    }

    func run() throws {
        let graph = try snapshot.load()
        let target = try resolveTargets(in: graph, file: snapshot.file, type: nil, address: address, limit: 1)[0]
        let referrers = Referrers(graph)
        let labels = EdgeLabels(graph)
        try report.emit(text: PathsReport.referrersText(target, referrers: referrers, labels: labels, depth: depth.value, graph: graph),
                        json: PathsReport.referrersJSON(target, referrers: referrers, labels: labels, graph: graph))
    }
}
