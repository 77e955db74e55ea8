import ArgumentParser
import Foundation
import HeapAnalysis
import HeapGraph
import Reports

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report of a snapshot, or of what grew between two.",
        discussion: """
            One HTML file that opens in any browser with no network: the process and
            the snapshot, memory composition, a treemap of retained size (module or
            thread, then type, then the largest objects; click to zoom), the types
            table (sortable, with a filter), the 20 largest retainers with their paths,
            leak suspects, cycles and duplicate strings. With two snapshots (older
            first) it adds growth by type, the new objects that survived and what
            holds them, and what was freed.

              memlens report snaps/1234-1.mlh -o report.html
              memlens report snaps/1234-1.mlh snaps/1234-2.mlh -o growth.html
            """
    )

    @Argument(help: "Snapshot file (.mlh or meliae JSON); with two, the older one first.")
    var files: [String]

    @Option(name: [.short, .customLong("output")], help: "HTML file to write (created mode 0600).")
    var output: String

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard (1...2).contains(files.count) else { throw ValidationError("give one snapshot, or two (older first)") }
    }

    func run() throws {
        let newerPath = files[files.count - 1]
        let olderPath = files.count == 2 ? files[0] : nil
        let older = try olderPath.map { try loadSnapshot($0) }
        let graph = try loadSnapshot(newerPath)
        let contents = HeapReportContents(graph, older: older, canvas: HTMLReport.canvas)
        let bytes = try reportingErrors { try HTMLReport.write(contents, olderPath: olderPath, path: newerPath, to: output) }
        report.progress("wrote \(output) (\(bytes) bytes)")
        try report.emit(text: output + "\n", json: HTMLReport.summaryJSON(contents, output: output, bytes: bytes))
    }
}
