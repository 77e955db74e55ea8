import Agent
import ArgumentParser
import Foundation
import HeapAnalysis
import HeapGraph
import ProcessModels
import Reports
import SafeFiles

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the bundled fragmentation example under memlens and explain what it shows.",
        discussion: """
            The example (seed 000, "memory debugging and defragmentation") builds
            strings of growing size, keeps every other one, then deletes them all.
            memlens snapshots it at the peak and after `del`, compares what the
            objects add up to with the RSS, and writes an HTML report of the two
            (report.html in the snapshot folder) and prints its path.

              memlens demo                       # about 50 MB at the peak, a few seconds
              memlens demo --scale 1             # the article's full size (about 1.6 GB)
              memlens demo --python python3.12 -o demo-snaps/
            """
    )

    @Option(parsing: .unconditional, help: "Size of the example; 1.0 is the article's 800 MB of strings.")
    var scale = 0.05

    @Option(help: "Python interpreter to run the example with.")
    var python = "python3"

    @Option(name: [.short, .customLong("output")], help: "Folder for the snapshots (default: a new temporary folder).")
    var output: String?

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard scale > 0, scale <= 4 else { throw ValidationError("--scale must be in (0, 4]") }
    }

    func run() throws {
        // The script goes into a new private folder (never one that existed
        // before, so nothing planted there runs); the snapshots too, unless -o.
        let work = try reportingErrors { try PrivateFolder.create(prefix: "memlens-demo") }
        defer { if output != nil { work.remove() } }
        let folder = output ?? work.path
        let script = work.path + "/fragmentation.py"
        try reportingErrors {
            guard let text = AgentFiles.text(of: "examples/fragmentation.py") else { throw ValidationError("the example is missing from " +
                "this build") }
            try work.directory.createFile("fragmentation.py", contents: Array(text.utf8), mode: AgentFiles.readable)
        }
        report.progress("memlens demo: running \(python) \(script) \(scale), snapshots in \(folder)")
        let paths = SnapshotPaths()
        let status = try reportingErrors {
            try Launcher.run([python, script, String(scale)], options: LaunchOptions(outputDirectory: folder)) { report in
                if let path = report.snapshotPath { paths.append(path) } else { printError(report.message.rendered(\.flag)) }
            }
        }
        guard status == 0 else {
            printError("error: the example exited with status \(status)")
            throw ExitCode(status)
        }
        // Paths come from the target: only files directly in the snapshot folder are read.
        let expected = URL(fileURLWithPath: folder).standardizedFileURL.path
        let snapshots = paths.all.filter { URL(fileURLWithPath: $0).standardizedFileURL.deletingLastPathComponent().path == expected }
        guard snapshots.count == 2 else {
            printError("error: expected 2 snapshots (peak, after del), got \(snapshots.count)")
            throw ExitCode.failure
        }
        let stages = try ["peak", "after del"].enumerated().map { i, name in
            let graph = try loadSnapshot(snapshots[i])
            return DemoStage(name: name, path: snapshots[i], graph: graph, summary: TypeSummary(graph))
        }
        // The HTML report of the pair: what was freed, and the RSS the objects no longer explain.
        let page = URL(fileURLWithPath: folder).appending(path: "report.html").path
        let contents = HeapReportContents(stages[1].graph, older: stages[0].graph, canvas: HTMLReport.canvas)
        _ = try reportingErrors { try HTMLReport.write(contents, olderPath: stages[0].path, path: stages[1].path, to: page) }
        try report.emit(text: DemoReport.text(stages) + "\nThe report (open it in a browser): \(page)\n",
                        json: DemoReport.json(stages, reportPath: page))
    }
}

/// Snapshot paths reported by the agent, collected from the relay thread.
final class SnapshotPaths: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []

    func append(_ path: String) { lock.withLock { paths.append(path) } }
    var all: [String] { lock.withLock { paths } }
}
