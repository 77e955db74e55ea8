import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct PathsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paths",
        abstract: "Why objects are alive: shortest paths from a root to them.",
        discussion: """
            Each step names the reference where the snapshot records it: dict keys, list
            and tuple indices, closure variables, __dict__.

              memlens paths snaps/1234-1.mlh --type __main__.LeakedThing
              memlens paths snaps/1234-1.mlh --address 0x7f3a2c1b4e80 --dot > path.dot
            """
    )

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(help: "Paths to instances of this type (as `memlens summary` names it; a bare class name when only one module has it).")
    var type: String?

    @Option(help: "Path to the object at this hex address.")
    var address: String?

    @Option(parsing: .unconditional, help: "At most this many paths (with --type).")
    var max: Count = 5

    @Flag(help: "Print Graphviz DOT of the paths instead of text.")
    var dot = false

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard (type == nil) != (address == nil) else { throw ValidationError("give exactly one of --type or --address") }
        if let address, parseAddress(address) == nil { throw ValidationError("'\(address)' is not a hex address") }
    }

    func run() throws {
        let graph = try snapshot.load()
        let targets = try resolveTargets(in: graph, file: snapshot.file, type: type, address: address, limit: max.value)
        let finder = PathFinder(graph, targets: Set(targets))
        let paths = targets.map { (target: $0, path: finder.path(to: $0)) }
        let labels = EdgeLabels(graph)
        if dot {
            print(TerminalText.escaped(PathsReport.dot(paths, graph: graph, labels: labels)), terminator: "")
        } else {
            try report.emit(text: PathsReport.text(paths, labels: labels), json: PathsReport.json(paths, graph: graph, labels: labels))
        }
    }
}
