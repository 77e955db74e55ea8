import ArgumentParser
import Fragmentation
import PythonProcess
import HeapAnalysis
import HeapGraph
import Reports
import SafeFiles

struct FragCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frag",
        abstract: "Why RSS stays high after objects are freed: arenas, what pins them, what malloc_trim would return.",
        discussion: """
            Reads the process's memory (no code runs in it; it is stopped only while
            pymalloc's arena table, pool headers and glibc's heap are read) and accounts
            for its writable anonymous memory: pymalloc arenas (used blocks, free blocks,
            empty pools), glibc's heap (in use, free), mmapped chunks, stacks, and what
            is left unexplained. Arenas at most --pinned-below percent used are pinned:
            memlens names the objects in them (type, size, address) and what would
            return to the OS if they moved.

              memlens frag 1234
              memlens frag 1234 --json | jq .pinners
              memlens frag 1234 --svg arenas.svg
              memlens frag 1234 --paths         # and where the pinners are held
              memlens frag 1234 --snapshot app.mlh   # the same, from your snapshot
              memlens frag 1234 --malloc-stats  # and glibc's mallinfo2, malloc_info
              memlens frag 1234 --trim          # call malloc_trim(0), measure it
              memlens frag app.mlh              # estimate from a snapshot alone

            --malloc-stats and --trim run a small agent in the process through gdb
            (like `memlens snapshot --agent`); only --trim changes it, and the report says so.
            The memory account then walks the objects from a copy of the process (a second
            short stop, as `memlens snapshot` takes) to place the native memory they own
            (array data, bytearray and deque storage, list items…) in glibc's chunks and
            mmapped regions, by type, and splits USS into objects, allocator slack, the
            interpreter and libraries, and what none explains (--no-objects skips the walk).
            --paths reads the arenas first and then the whole heap, from outside (as
            `memlens snapshot` does: no code runs in the process). A snapshot given with
            --snapshot must be of the same process and taken while it held the pinning objects.

            Given a snapshot file instead of a process, memlens places the snapshot's
            objects in pymalloc pools by address. Arenas are not in a snapshot: aligned
            arena-sized windows stand in for them, and buffers sharing the pools are not
            counted, so this is an estimate; the live report is exact.
            """
    )

    @Argument(help: ArgumentHelp("Process id of a CPython 3.8–3.15 process, or a snapshot file (.mlh).", valueName: "pid-or-snapshot"))
    var target: ProcessOrFile

    /// The process id (0 for a snapshot file).
    var pid: Int32 { target.pid ?? 0 }

    @Flag(help: "Call malloc_trim(0) in the process (through the agent) and measure what it returns.")
    var trim = false

    @Flag(help: "Also read glibc's mallinfo2 and malloc_info in the process (through the agent; changes nothing).")
    var mallocStats = false

    @Option(help: ArgumentHelp(
        "A snapshot of the same process (memlens snapshot PID): show where the pinning objects are held, from a root.",
        valueName: "file.mlh"))
    var snapshot: String?

    @Flag(help: "Read the heap (as `memlens snapshot` does) to show where the pinning objects are held, from a root.")
    var paths = false

    @Flag(help: "Do not walk the objects (no native memory placed by owner; one stop instead of two).")
    var noObjects = false

    @Option(help: ArgumentHelp("Write an SVG map of the arenas to this file.", valueName: "file"))
    var svg: String?

    @Option(parsing: .unconditional, help: "An arena at most this percent used counts as pinned.")
    var pinnedBelow = 10.0

    @Option(parsing: .unconditional, help: "Pinner rows to show.")
    var top: Count = 10

    @Option(parsing: .unconditional, help: "Seconds to wait for the main thread to reach a safe point (--trim, --malloc-stats).")
    var timeout = TimeSpan(seconds: 30)

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if target.file != nil, trim || mallocStats || paths || snapshot != nil || svg != nil {
            throw ValidationError("--trim, --malloc-stats, --paths, --snapshot and --svg need a live process id, not a snapshot file")
        }
        guard pinnedBelow > 0, pinnedBelow <= 100 else { throw ValidationError("--pinned-below takes a percent in (0, 100]") }
        guard !(paths && snapshot != nil) else { throw ValidationError("give --paths or --snapshot, not both") }
    }

    func run() throws {
        if let file = target.file { return try reportSnapshot(file) }
        let analysis = try reportingErrors { try FragAnalysis.measure(pid: pid, pinnedThreshold: pinnedBelow / 100, owners: !noObjects) }
        let (malloc, outcome) = try trim || mallocStats ? measureMalloc(predictedBytes: analysis.reclaimableByTrimBytes) : (nil, nil)
        let pinned = analysis.pinning.typedObjects
        var holders = try snapshot.map { PinnerHolders(pinned: pinned, graph: try loadSnapshot($0), file: $0, pid: pid) }
        // Without the snapshot the report is still worth having: print it, then fail.
        var pathsFailure: (any Error)?
        if paths, !analysis.pinning.arenas.isEmpty {
            do { holders = try takeSnapshotForHolders(analysis.pinning) } catch { pathsFailure = error }
        }
        if let svg {
            try reportingErrors { try AtomicOutput.write(Array(FragSVG.svg(analysis).utf8), to: svg) }
            report.progress("memlens: wrote \(svg)")
        }
        try report.emit(text: FragReport.text(analysis, malloc: malloc, trim: outcome, holders: holders, top: top.value),
                        json: FragReport.json(analysis, malloc: malloc, trim: outcome, holders: holders))
        if let pathsFailure {
            printError("error: --paths: no snapshot, so no paths (the report above is complete otherwise): \(pathsFailure)")
            throw ExitCode.failure
        }
    }

    /// `memlens frag FILE.mlh`: the snapshot's objects by pool and arena-sized window.
    private func reportSnapshot(_ file: String) throws {
        let graph = try loadSnapshot(file)
        guard let layout = ObmallocLayout.forVersion(graph.metadata.python) else {
            printError("error: \(file): the snapshot is of Python \(graph.metadata.python ?? "(not recorded)"); "
                + "memlens knows pymalloc's pools for CPython 3.8–3.13, 3.14.5+ and 3.15")
            throw ExitCode.failure
        }
        let analysis = FragSnapshotReport(SnapshotFragmentation(graph, file: file, poolBytes: layout.poolBytes,
                                                                arenaBytes: layout.arenaBytes, threshold: pinnedBelow / 100))
        try report.emit(text: analysis.text(top: top.value), json: analysis.json())
    }
}
