import Agent
import ProcessModels
import HeapAnalysis
import ArgumentParser
import Reports

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Watch a running process's garbage collector: pauses, cyclic garbage, advice.",
        discussion: """
            Adds a watcher to the target's gc.callbacks for the window (through the
            same injection as `snapshot`), then removes it. It times every collection
            (p50/p99/max per generation), types what each one freed (objects that
            take weak references; the watcher's own cost is held under 1% of the
            target's time), and lists gc.garbage. The advice is tied to the numbers:
            what a full collection costs and what gc.freeze() would save, young
            collections that free little, types dying in reference cycles.
            Ctrl-C ends the window early; the watcher is removed either way.

              memlens gc 1234                       # watch for 10 s
              memlens gc 1234 --duration 1m --json
              memlens gc 1234 --measure-full        # also times one full gc.collect()
            """
    )

    @Argument(help: "Process id of a CPython 3.8–3.13 process.")
    var pid: Int32

    @Option(parsing: .unconditional, help: ArgumentHelp("How long to watch: 30s, 2m, 500ms.", valueName: "time"))
    var duration = TimeSpan(seconds: 10)

    @Flag(help: "At the end, time one full collection (gc.collect()) in the target; it pauses for it.")
    var measureFull = false

    @Option(parsing: .unconditional,
            help: ArgumentHelp("How long to wait for the main thread to reach a safe point, each time.", valueName: "time"))
    var timeout = TimeSpan(seconds: 30)

    @OptionGroup var report: ReportOptions

    func validate() throws {
    }

    func run() throws {
        if measureFull {
            printError("memlens: --measure-full: at the end of the window, process \(pid) runs one full collection (gc.collect()) and " +
                "pauses for it")
        }
        let window: Observer.Window<GCObservation> = try reportingErrors {
            try Observer.gc(pid: pid, seconds: duration.seconds, measureFull: measureFull, timeoutSeconds: timeout.seconds) { line in
                report.progress("memlens: \(line)")
            }
        }
        if window.interrupted { printError("memlens: interrupted: the window was cut short; the watcher is removed") }
        let insight = GCInsight(window.report)
        try report.emit(text: GCReport.text(insight, pid: pid), json: GCReport.json(insight, pid: pid))
    }
}
