import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed between snapshots, by type; or what outlived its phase.",
        discussion: """
            Objects are matched by address and type (an address reused by another type
            is a new object).

              memlens diff snaps/1234-1.mlh snaps/1234-2.mlh
              # created between BASE and AFTER, still alive in LATER
              memlens diff BASE AFTER LATER --survivors
            """
    )

    @Argument(help: "Two snapshots (older, newer), or three with --survivors.")
    var files: [String]

    @Flag(help: "With three snapshots: objects created between the first two that are still in the third.")
    var survivors = false

    @Option(parsing: .unconditional, help: "Show this many rows.")
    var top: Count = 30

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if survivors {
            guard files.count == 3 else { throw ValidationError("--survivors takes three snapshots: BASE AFTER LATER") }
        } else {
            guard files.count == 2 else { throw ValidationError("diff takes two snapshots: OLD NEW (or three with --survivors)") }
        }
    }

    func run() throws {
        // A diff by type needs objects only; survivors are listed with their values.
        let graphs = try files.map { try loadSnapshot($0, contents: survivors ? .full : .objects) }
        let versions = Set(graphs.compactMap(\.metadata.python))
        if versions.count > 1 {
            printError("error: the snapshots come from different Python versions " +
                "(\(zip(files, graphs).map { "\($0): \($1.metadata.python ?? "?")" }.joined(separator: ", "))); objects cannot be " +
                "matched across interpreters")
            throw ExitCode.failure
        }
        if survivors {
            let result = Survivors(base: graphs[0], after: graphs[1], later: graphs[2])
            try report.emit(text: DiffReport.survivorsText(result, in: graphs[2], top: top.value),
                            json: DiffReport.survivorsJSON(result, in: graphs[2]))
        } else {
            let diff = HeapDiff(older: graphs[0], newer: graphs[1])
            try report.emit(text: DiffReport.text(diff, older: files[0], newer: files[1], top: top.value),
                            json: DiffReport.json(diff, top: top.value))
        }
    }
}
