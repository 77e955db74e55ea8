import ArgumentParser
import Foundation
import ProcFS
import ProcessModels
import Reports
import SafeFiles
import Timeline

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Record a Python process's memory over time: an annotated timeline (HTML) and samples (JSONL).",
        discussion: """
            Every --interval: RSS, PSS, USS, writable and swap (smaps_rollup), page
            faults and threads (stat), the main thread's Python stack and the heap's
            mappings. Every --census-every: a read-only census (objects, types, the
            collector, pymalloc arenas, sys.modules). Marks imports, collections,
            heap growth and drop steps (brk or anonymous mappings of 1 MiB or more,
            with the stacks seen during the step) and snapshots. A growth step names
            the functions that grew it, with their share of its bytes: between the
            samples, a second thread reads the process's resident anonymous memory
            and the Python stack of the thread that holds the GIL every
            --attribute-every (1 kHz), and credits each change to the function that ran. Under -- CMD the
            agent in the target times each import and each collection's pause
            exactly. Stops at --duration, Ctrl-C, or when the process exits; prints
            a summary on stderr (with --json, one JSON document on stdout).
            --jsonl streams every record into a new file as it is made.

              memlens watch 1234 -o timeline.html --duration 2m
              memlens watch 1234 --interval 50ms -o t.html --jsonl samples.jsonl
              memlens watch -o timeline.html -- python3 app.py
            """
    )

    @Argument(help: "Process id to watch; or give the command to run after --.")
    var pid: Int32?

    @Option(parsing: .unconditional, help: "Time between samples (`100ms`, `1s`).")
    var interval = TimeSpan(seconds: 0.1)

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "How often growth is attributed (1 kHz by default, whatever --interval is).",
        discussion: """
            Every period, memlens reads the process's resident anonymous memory \
            (/proc/PID/statm) and the Python stack of the thread that holds the GIL \
            (the one running Python), without stopping it, \
            and credits the change since the last read to the innermost function of \
            the program's own code that ran (outside the standard library and \
            site-packages). A step of 10 ms is named even under --interval 1s. \
            Costs memlens 8–9% of one core at 1ms (the target is not stopped for it); a longer \
            period costs less and misses shorter bursts. Between 0.1ms and --interval.
            """))
    var attributeEvery = TimeSpan(seconds: 0.001)

    @Option(parsing: .unconditional, help: "Time between censuses (each stops the process briefly).")
    var censusEvery = TimeSpan(seconds: 5)

    @Option(parsing: .unconditional, help: "Stop after this long (`10m`); default: until Ctrl-C or the process exits.")
    var duration: TimeSpan?

    @Option(name: .shortAndLong, help: "The HTML timeline to write.")
    var output: String

    @Option(help: "Also stream every sample, census and event as JSON lines into this new file, as the watch goes.")
    var jsonl: String?

    @OptionGroup var report: ReportOptions

    @Argument(parsing: .postTerminator, help: "Command to run and watch from its first instruction (after --).")
    var command: [String] = []

    func validate() throws {
        guard (pid == nil) != command.isEmpty else { throw ValidationError("give a pid, or a command after --, not both") }
        if let pid, pid <= 0 { throw ValidationError("the pid must be positive") }
        guard interval.seconds >= 0.005 else { throw ValidationError("--interval must be at least 5ms") }
        guard attributeEvery.seconds >= 0.0001, attributeEvery.seconds <= interval.seconds else {
            throw ValidationError("--attribute-every must be between 0.1ms and --interval")
        }
        guard censusEvery.seconds >= interval.seconds else { throw ValidationError("--census-every must be at least --interval") }
        if let duration, duration.seconds <= 0 { throw ValidationError("--duration must be positive") }
    }

    var options: Watcher.Options {
        var options = Watcher.Options(interval: interval.seconds, censusEvery: censusEvery.seconds, duration: duration?.seconds)
        options.attributionPeriod = attributeEvery.seconds
        return options
    }

    func run() throws {
        // Created before anything runs: an existing file is an error, not a loss;
        // an output that cannot be written fails now, not after the whole watch.
        let stream = try reportingErrors { try jsonl.map { try WatchStream(path: $0) } }
        let html = try reportingErrors {
            do throws(FileSafetyError) { return try AtomicOutput(path: output) } catch {
                throw FileSafetyError(path: output, reason: error.reason)
            }
        }
        let record: @Sendable (TimelineRecord) -> Void = { stream?.write($0) }
        let timeline: Timeline
        if let pid {
            _ = try reportingErrors { try ProcReader.stat(pid: pid) }  // no such process: one clear line, exit 1
            let watcher = Watcher(pid: pid, options: options)
            let stop = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            signal(SIGINT, SIG_IGN)
            stop.setEventHandler { watcher.stop() }
            stop.resume()
            let arguments = (try? ProcReader.commandLine(pid: pid)) ?? []
            let name = arguments.filter { !$0.isEmpty }.joined(separator: " ")
            timeline = watcher.run(command: name, progress: { printError("memlens: \($0)") }, record: record)
        } else {
            timeline = try reportingErrors { try WatchLauncher.run(command, options: options, quietStdout: report.json, record: record) }
        }
        if !report.json { printError(TimelineReport.summary(timeline)) }
        try reportingErrors {
            let page = Array(try TimelineReport.html(timeline).utf8)
            try page.withUnsafeBytes { try html.write($0) }
            try html.commit()
            try stream?.finish(timeline)
            if report.json { print(try TimelineReport.summaryJSON(timeline)) }
        }
        report.progress("memlens: wrote \(output)" + (jsonl.map { " and \($0)" } ?? ""))
    }
}
