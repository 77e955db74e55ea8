import Agent
import ArgumentParser
import ProcFS
import Reports

#if canImport(Glibc)
import Glibc
#endif

struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint",
        abstract: "Where a process's memory really is: RSS, PSS, USS, writable, by kind, library or mapping.",
        discussion: """
            Reads /proc/PID/smaps_rollup and smaps (no code runs in the target). Prints
            the mem_usage table (mapped and anonymous memory; shared/private ×
            clean/dirty by permissions), then RSS, PSS, USS (private clean + dirty),
            writable (Σ Private_Dirty, the memory that is truly this process's), swap,
            peak RSS and page faults.

              memlens footprint 1234                    # grouped by kind
              # mapped files, most private memory first
              memlens footprint 1234 --by library
              memlens footprint 1234 --totals  # smaps_rollup only: cheap enough to poll
              # a preforking server: each worker, total PSS
              memlens footprint --children 1234
              memlens footprint 1234 --json | jq .writable

            With a command after --, memlens runs it and measures it at the exit of its
            import phase, defined as: the moment the interpreter is about to exit (the
            main script has returned or raised SystemExit, non-daemon threads have been
            joined and the program's own atexit handlers have run; modules and their
            globals are all still alive), or --after SECONDS after the interpreter
            started, whichever comes first. A sitecustomize memlens adds to PYTHONPATH
            (yours still runs) makes the first Python process of the command pause
            itself there on a pipe; memlens stops it (SIGSTOP, so no thread moves),
            reads /proc/PID/smaps_rollup and smaps, prints the report, then lets it
            finish. The command's stdout goes to stderr (stdout is the report's), and
            memlens exits with the command's exit status. A command that never gets
            there (os._exit, exec, killed by a signal, not CPython) gives an error and
            exit 1.

              memlens footprint -- python3 -c 'import numpy'
              memlens footprint --by library --json -- python3 app.py
              # a program that runs for long
              memlens footprint --after 30 -- python3 server.py
            """
    )

    enum Breakdown: String, ExpressibleByArgument, CaseIterable {
        case kind, library, mapping
    }

    @Argument(help: "The process to measure.")
    var pid: Int32?

    @Option(name: .customLong("children"), help: ArgumentHelp("Measure this process and all its descendants.", valueName: "pid"))
    var childrenOf: Int32?

    @Option(help: "Break memory down by kind, library or mapping.")
    var by: Breakdown?

    @Flag(help: "Only the totals, from smaps_rollup (no per-mapping read).")
    var totals = false

    @Option(help: "Rows to show for --by library and --by mapping.")
    var top: Count = 20

    @Option(help: ArgumentHelp("With a command: measure it this long after it starts, if it has not exited by then.", valueName: "seconds"))
    var after: Double?

    @OptionGroup var report: ReportOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("A Python command to run and measure at the exit of its import phase, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if !command.isEmpty {
            if pid != nil || childrenOf != nil { throw ValidationError("give a pid, --children PID or a command after --, not several") }
            if let after, !(after >= 0 && after.isFinite) { throw ValidationError("--after takes a number of seconds, 0 or more") }
        } else {
            if after != nil { throw ValidationError("--after applies to a command run after --") }
            switch (pid, childrenOf) {
            case (nil, nil): throw ValidationError("give a pid, --children PID, or a command after --")
            case (.some, .some): throw ValidationError("give either a pid or --children PID, not both")
            default: break
            }
        }
        if let target = pid ?? childrenOf, target <= 0 { throw ValidationError("a pid is a positive number") }
        if totals && by != nil { throw ValidationError("--totals reads no mappings, so it cannot break memory down (drop --by)") }
        if childrenOf != nil && (by != nil || totals) { throw ValidationError("--children shows totals per process; it takes no --by or --totals") }
    }

    func run() throws {
        if !command.isEmpty { return try runCommand() }
        if let root = childrenOf { return try runTree(root) }
        guard let pid else { return }
        let footprint = try reportingErrors {
            try FootprintReader().read(pid: pid, detail: totals ? .totals : .mappings)
        }
        try show(footprint)
    }

    private func show(_ footprint: Footprint) throws {
        let breakdown = by ?? .kind
        if report.json {
            print(try FootprintReport.json(footprint, includeMappings: breakdown == .mapping))
        } else {
            let shape = FootprintReport.Breakdown(rawValue: breakdown.rawValue) ?? .kind
            print(FootprintReport.text(footprint, by: shape, top: top.value), terminator: "")
        }
    }

    /// Runs `command`, measures it where it pauses, and exits with its status.
    private func runCommand() throws {
        let status = try reportingErrors {
            try FootprintLauncher.run(command, after: after) { pause in
                let footprint = try FootprintReader().read(pid: pause.pid, detail: totals ? .totals : .mappings)
                printError("memlens: measured pid \(pause.pid) " + (pause.reason == "after" ? "after \(after ?? 0) s" : "at exit"))
                try show(footprint)
                fflush(nil)  // the report is out before the command goes on
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func runTree(_ root: Int32) throws {
        let (members, skipped) = try reportingErrors { () throws -> ([TreeMember], [Int32]) in
            let links = try ProcessTree.descendants(of: root)
            var members: [TreeMember] = []
            var skipped: [Int32] = []
            for link in links {
                do {
                    let footprint = try FootprintReader().read(pid: link.pid, detail: .totals)
                    // A count of maps lines: no page-table walk, unlike smaps.
                    members.append(TreeMember(link: link, footprint: footprint, mappingCount: try? ProcReader.mappingCount(pid: link.pid)))
                } catch let error as ProcFSError where link.pid != root {
                    // A worker that exits mid-walk is gone, not hidden: list it as not counted.
                    switch error {
                    case .noSuchProcess, .zombie, .exitedDuringRead: skipped.append(link.pid)
                    default: throw error
                    }
                }
            }
            return (members, skipped)
        }
        if report.json {
            print(try FootprintTreeReport.json(members, skipped: skipped))
        } else {
            print(FootprintTreeReport.text(members, skipped: skipped), terminator: "")
        }
    }
}
