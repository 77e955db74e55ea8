import Agent
import ArgumentParser
import ProcessModels
import Reports

struct AllocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alloc",
        abstract: "Which lines of a running process allocate the memory that stays: tracemalloc, for a while.",
        discussion: """
            Starts tracemalloc in the target (through the same injection as
            `snapshot`), waits, then ranks allocation sites (file:line) by the memory
            they allocated in the window that is still allocated, each with the
            stack that grew most. It stops tracemalloc again if memlens started it;
            if the program was tracing already, memlens compares against a baseline
            snapshot and leaves tracing on. Tracing slows the target (often 2× or
            more) for the window only.

              memlens alloc 1234                         # 10 s, top 20 sites
              memlens alloc 1234 --duration 1m --depth 10 --top 5 --json
            """
    )

    @Argument(help: "Process id of a CPython 3.8–3.13 process.")
    var pid: Int32

    @Option(parsing: .unconditional, help: ArgumentHelp("How long to trace: 30s, 2m, 500ms.", valueName: "time"))
    var duration = TimeSpan(seconds: 10)

    @Option(parsing: .unconditional, help: "Show this many sites.")
    var top: Count = 20

    @Option(parsing: .unconditional, help: "Frames kept per allocation (when memlens starts tracemalloc).")
    var depth: Count = 5

    @Option(parsing: .unconditional,
            help: ArgumentHelp("How long to wait for the main thread to reach a safe point, each time.", valueName: "time"))
    var timeout = TimeSpan(seconds: 30)

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard depth.value <= 100 else { throw ValidationError("--depth must be 1 to 100") }
    }

    func run() throws {
        let window: Observer.Window<AllocObservation> = try reportingErrors {
            try Observer.alloc(pid: pid, seconds: duration.seconds, depth: depth.value, top: top.value,
                timeoutSeconds: timeout.seconds) { line in
                report.progress("memlens: \(line)")
            }
        }
        if window.interrupted { printError("memlens: interrupted: the window was cut short; tracemalloc is back as it was") }
        try report.emit(text: AllocReport.text(window.report, pid: pid), json: AllocReport.json(window.report, pid: pid))
    }
}
