import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports
import SafeFiles

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert a snapshot to another tool's format.",
        discussion: """
            heapsnapshot: the V8 heap snapshot Chrome DevTools loads (Memory → Load):
            Summary by Python type, retainers, dominators. meliae: JSON lines, one
            object per line, readable by meliae's loader.load() and by every memlens
            command. mlh: memlens's own compact format (from a meliae dump, a file 3–4
            times smaller that loads several times faster). dot: Graphviz, the --top
            objects with the largest retained size (under --root), each under its
            nearest dominator among them.

              memlens export snaps/1234-1.mlh --format heapsnapshot -o app.heapsnapshot
              memlens export snaps/1234-1.mlh --format dot --top 50 -o dominators.dot
              dot -Tsvg dominators.dot -o dominators.svg
              memlens export snaps/1234-1.mlh --format meliae -o dump.json
              memlens export dump.json --format mlh -o dump.mlh
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case heapsnapshot, meliae, mlh, dot
    }

    @OptionGroup var snapshot: SnapshotFileArgument

    @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format

    @Option(name: [.short, .customLong("output")], help: "File to write (created mode 0600).")
    var output: String

    @Option(parsing: .unconditional, help: "dot: how many objects to draw.")
    var top: Count = 50

    @Option(help: "dot: only objects this one dominates (hex address, with or without 0x).")
    var root: String?

    func validate() throws {
        if let root, parseAddress(root) == nil { throw ValidationError("'\(root)' is not a hex address") }
        if format != .dot, root != nil { throw ValidationError("--root applies to --format dot only") }
    }

    func run() throws {
        let graph = try snapshot.load()
        var written = graph.count
        try reportingErrors {
            switch format {
            case .meliae: try MeliaeWriter.write(graph, to: output)
            case .mlh: try MLHWriter.write(graph, to: output)
            case .heapsnapshot: try HeapSnapshotWriter.write(graph, to: output)
            case .dot:
                var rootIndex: Int?
                if let root, let address = parseAddress(root) {
                    guard let index = AddressLookup(graph).index(of: address) else {
                        throw ValidationError("\(snapshot.file): no object at address \(EdgeLabels.hex(address)) in this snapshot")
                    }
                    rootIndex = index
                }
                let sizes = RetainedSizes(graph)
                let chosen = TopDominators(sizes, top: top.value, under: rootIndex)
                written = chosen.objects.count
                let text = DominatorsDOT.render(chosen, graph: graph, sizes: sizes)
                try AtomicOutput.write(to: output) { (out: inout OutputBuffer) throws(FileSafetyError) in out.append(text) }
            }
        }
        printError("wrote \(written) objects to \(output)")
    }
}
