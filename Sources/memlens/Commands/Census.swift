import ArgumentParser
import Foundation
import Fragmentation
import ProcessModels
import PythonProcess
import Reports

struct CensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Count a Python process's objects by type, reading its memory (or a core file); no code runs in it.",
        discussion: """
            Stops every thread only while its writable memory is copied (the pause
            is printed), never while the garbage collector runs, then walks the
            collector's lists in the copy: the objects gc.get_objects() returns,
            plus those frozen by gc.freeze(), sized as sys.getsizeof sizes them.
            Needs the right to ptrace the process (same user, or root). CPython
            3.8–3.13. Also counts OS threads and pymalloc's arenas.

            Given a core file instead of a pid (the kernel's, or `gcore PID`),
            walks the heap it holds: what the core left out (read-only text) is
            read from the files the process had mapped, which must be on this
            machine; --exe names the executable if the core's path for it is not.

              memlens census 1234
              memlens census 1234 --top 50 --json
              memlens census 1234 --every 10s --count 6   # growth per type
              memlens census core.1234 --exe /usr/bin/python3.11
            """
    )

    @Argument(help: "Process id of a CPython 3.8–3.13 process, or the path of its core file.")
    var target: ProcessOrFile

    @Option(help: "With a core file: the Python executable, when the path the core names is not on this machine.")
    var exe: String?

    @Option(parsing: .unconditional, help: "How many types to list.")
    var top: Count = 30

    @Flag(help: "Count objects frozen by gc.freeze() (the permanent generation) in the types too.")
    var frozen = false

    @Option(parsing: .unconditional, help: "Take a census every interval (`10s`, `500ms`, `2m`) and report growth per type.")
    var every: TimeSpan?

    @Option(parsing: .unconditional, help: "How many censuses with --every.")
    var count: Count = 6

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if target.pid == nil {
            guard every == nil else { throw ValidationError("--every takes a pid, not a core file") }
        } else if exe != nil {
            throw ValidationError("--exe is for core files; a live process names its own executable")
        }
        guard count.value >= 2 else { throw ValidationError("--count must be 2 or more") }
    }

    func run() throws {
        switch target {
        case .file(let core):
            try show(reportingErrors { try Census.take(core: core, executable: exe, includeFrozen: frozen, amend: CensusArenas.amend) })
        case .process(let pid):
            if let every { return try runSeries(pid: pid, interval: every.seconds) }
            try show(takeCensus(pid: pid))
        }
    }

    private func takeCensus(pid: Int32) throws -> CensusResult {
        try reportingErrors {
            try Census.take(pid: pid, includeFrozen: frozen, progress: { note in printError("memlens: \(note)") },
                amend: CensusArenas.amend)
        }
    }

    private func show(_ census: CensusResult) throws {
        try report.emit(text: CensusReport.text(census, top: top.value), json: CensusReport.json(census, top: top.value))
    }

    /// `--every`: `count` censuses `interval` apart, then the growth table.
    private func runSeries(pid: Int32, interval: Double) throws {
        var series = CensusSeries()
        let clock = ContinuousClock()
        let origin = clock.now
        for index in 1...count.value {
            if index > 1 { Thread.sleep(forTimeInterval: interval) }
            let census = try takeCensus(pid: pid)
            let elapsed = clock.now - origin
            series.append(census, at: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            printError("memlens: " + CensusReport.progressLine(census, index: index))
        }
        try report.emit(text: CensusReport.seriesText(series, top: top.value), json: CensusReport.seriesJSON(series, top: top.value))
    }
}
