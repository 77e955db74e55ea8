import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct RetainedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retained",
        abstract: "What keeps memory alive: retained sizes from the dominator tree.",
        discussion: """
            An object's retained size is what would be freed if it were: its own size
            plus everything reachable only through it (Eclipse MAT's definition). Roots
            are sys.modules, modules, thread frames and objects held by C code or a
            running frame.

              memlens retained snaps/1234-1.mlh --top 20
              memlens retained snaps/1234-1.mlh --by type
              memlens retained snaps/1234-1.mlh --address 0x7f3a2c1b4e80 --json
            """
    )

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case object, type
    }

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(parsing: .unconditional, help: "Show this many rows.")
    var top: Count = 30

    @Option(help: "Rank single objects, or types (objects not dominated by one of their own type).")
    var by: Grouping = .object

    @Option(help: "Only this object (hex address, with or without 0x).")
    var address: String?

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if let address, parseAddress(address) == nil { throw ValidationError("'\(address)' is not a hex address") }
    }

    func run() throws {
        let graph = try snapshot.load()
        let sizes = RetainedSizes(graph)
        if by == .type {
            return try report.emit(text: RetainedReport.typesText(graph, sizes, top: top.value),
                                   json: RetainedReport.typesJSON(graph, sizes, top: top.value))
        }
        var objects = sizes.largest(top.value)
        if let address, let value = parseAddress(address) {
            guard let index = AddressLookup(graph).index(of: value) else {
                printError("error: \(snapshot.file): no object at address \(EdgeLabels.hex(value)) in this snapshot")
                throw ExitCode.failure
            }
            objects = [index]
        }
        try report.emit(text: RetainedReport.objectsText(graph, sizes, objects: objects),
                        json: RetainedReport.objectsJSON(graph, sizes, objects: objects))
    }
}
