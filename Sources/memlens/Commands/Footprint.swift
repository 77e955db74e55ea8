import Agent
public import ArgumentParser
import Foundation
import ProcFS
import Reports

extension FootprintReport.Breakdown: ExpressibleByArgument {}

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

    @Argument(help: "The process to measure.")
    var pid: Int32?

    @Option(name: .customLong("children"), parsing: .unconditional,
            help: ArgumentHelp("Measure this process and all its descendants.", valueName: "pid"))
    var childrenOf: Int32?

    @Option(help: "Break memory down by kind, library or mapping.")
    var by: FootprintReport.Breakdown?

    @Flag(help: "Only the totals, from smaps_rollup (no per-mapping read).")
    var totals = false

    @Option(parsing: .unconditional, help: "Rows to show for --by library and --by mapping.")
    var top: Count = 20

    @Option(parsing: .unconditional,
            help: ArgumentHelp("With a command: measure it this long after it starts, if it has not exited by then.", valueName: "seconds"))
    var after: Delay?

    @OptionGroup var report: ReportOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("A Python command to run and measure, after --.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        switch [pid != nil, childrenOf != nil, !command.isEmpty].filter({ $0 }).count {
        case 0: throw ValidationError("give a pid, --children PID, or a command after --")
        case 1: break
        default: throw ValidationError("give one of a pid, --children PID or a command after --, not several")
        }
        if after != nil, command.isEmpty { throw ValidationError("--after applies to a command run after --") }
        if let target = pid ?? childrenOf, target <= 0 { throw ValidationError("a pid is a positive number") }
        if totals && by != nil { throw ValidationError("--totals reads no mappings, so it cannot break memory down (drop --by)") }
        if childrenOf != nil && (by != nil || totals) { throw ValidationError("--children shows totals per process: no --by or --totals") }
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
        try report.emit(text: FootprintReport.text(footprint, by: breakdown, top: top.value),
                        json: FootprintReport.json(footprint, includeMappings: breakdown == .mapping))
    }

    /// Runs `command`, measures it where it pauses, and exits with its status.
    private func runCommand() throws {
        let status = try reportingErrors {
            try FootprintLauncher.run(command, after: after?.seconds) { pause in
                let footprint = try FootprintReader().read(pid: pause.pid, detail: totals ? .totals : .mappings)
                printError("memlens: measured pid \(pause.pid) " + (pause.reason == "after" ? "after \(after?.seconds ?? 0) s" : "at exit"))
                try show(footprint)
                fflush(nil)  // the report is out before the command goes on
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func runTree(_ root: Int32) throws {
        let (members, skipped) = try reportingErrors { try ProcessTree.footprints(of: root) }
        try report.emit(text: FootprintTreeReport.text(members, skipped: skipped),
                        json: FootprintTreeReport.json(members, skipped: skipped))
    }
}
