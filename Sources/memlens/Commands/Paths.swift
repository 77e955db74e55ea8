import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct Paths: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Why objects are alive: shortest paths from a root to them.",
        discussion: """
            Each step names the reference where the snapshot records it: dict keys, list
            and tuple indices, closure variables, __dict__.

              memlens paths snaps/1234-1.mlh --type __main__.LeakedThing
              memlens paths snaps/1234-1.mlh --address 0x7f3a2c1b4e80 --dot > path.dot
            """
    )

    @Argument(help: "Snapshot file (.mlh or meliae JSON).")
    var file: String

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
        let graph = try loadSnapshot(file)
        let targets = try resolveTargets(in: graph, file: file, type: type, address: address, limit: max.value)
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

struct ReferrersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referrers",
        abstract: "What refers to an object, and what refers to those, to a depth.",
        discussion: """
              memlens referrers snaps/1234-1.mlh --address 0x7f3a2c1b4e80 --depth 2
            """
    )

    @Argument(help: "Snapshot file (.mlh or meliae JSON).")
    var file: String

    @Option(help: "The object's hex address.")
    var address: String

    @Option(parsing: .unconditional, help: "Levels of referrers to show.")
    var depth: Count = 2

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard parseAddress(address) != nil else { throw ValidationError("'\(address)' is not a hex address") }
    }

    func run() throws {
        let graph = try loadSnapshot(file)
        let target = try resolveTargets(in: graph, file: file, type: nil, address: address, limit: 1)[0]
        let referrers = Referrers(graph)
        let labels = EdgeLabels(graph)
        try report.emit(text: PathsReport.referrersText(target, referrers: referrers, labels: labels, depth: depth.value, graph: graph),
                        json: PathsReport.referrersJSON(target, referrers: referrers, labels: labels, graph: graph))
    }
}

/// The objects a `--type` or `--address` option names; a clear error (exit 1) when there are none.
func resolveTargets(in graph: HeapGraph, file: String, type: String?, address: String?, limit: Int) throws -> [Int] {
    if let address, let value = parseAddress(address) {
        guard let index = AddressLookup(graph).index(of: value) else {
            printError("error: \(file): no object at address \(EdgeLabels.hex(value)) in this snapshot")
            throw ExitCode.failure
        }
        return [index]
    }
    switch TypeNameMatch(type ?? "", in: graph.typeNames) {
    case .found(let name):
        let typeID = graph.typeNames.firstIndex(of: name).map(UInt32.init)
        return Array((0..<graph.count).lazy.filter { graph.typeIDs[$0] == typeID }.prefix(limit))
    case .ambiguous(let names):
        printError("error: \(file): type '\(type ?? "")' is ambiguous: \(names.joined(separator: ", ")) (give the full name)")
    case .missing(let similar):
        let hint = similar.isEmpty ? "" : " (did you mean: \(similar.joined(separator: ", "))?)"
        printError("error: \(file): no objects of type '\(type ?? "")'" + hint)
    }
    throw ExitCode.failure
}
