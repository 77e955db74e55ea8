import ArgumentParser
import ProcFS
import Reports

struct FootprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "footprint",
        abstract: "Where a process's memory really is: RSS, PSS, USS, writable, by kind, library or mapping.",
        discussion: """
            Reads /proc/PID/smaps_rollup and smaps (no code runs in the target). Prints the
            mem_usage table (mapped and anonymous memory; shared/private × clean/dirty by
            permissions), then RSS, PSS, USS (private clean + dirty), writable (Σ Private_Dirty,
            the memory that is truly this process's), swap, peak RSS and page faults.

              memlens footprint 1234                    # grouped by kind
              memlens footprint 1234 --by library       # mapped files, most private memory first
              memlens footprint 1234 --totals           # smaps_rollup only: cheap enough to poll
              memlens footprint --children 1234         # a preforking server: each worker, total PSS
              memlens footprint 1234 --json | jq .writable
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
    var top = 20

    @OptionGroup var report: ReportOptions

    func validate() throws {
        switch (pid, childrenOf) {
        case (nil, nil): throw ValidationError("give a pid, or --children PID")
        case (.some, .some): throw ValidationError("give either a pid or --children PID, not both")
        default: break
        }
        if let target = pid ?? childrenOf, target <= 0 { throw ValidationError("a pid is a positive number") }
        if totals && by != nil { throw ValidationError("--totals reads no mappings, so it cannot break memory down (drop --by)") }
        if childrenOf != nil && (by != nil || totals) { throw ValidationError("--children shows totals per process; it takes no --by or --totals") }
        guard top > 0 else { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        if let root = childrenOf { return try runTree(root) }
        guard let pid else { return }
        let breakdown = by ?? .kind
        let footprint = try reportingErrors {
            try FootprintReader().read(pid: pid, detail: totals ? .totals : .mappings)
        }
        if report.json {
            print(try FootprintReport.json(footprint, includeMappings: breakdown == .mapping))
        } else {
            let shape = FootprintReport.Breakdown(rawValue: breakdown.rawValue) ?? .kind
            print(FootprintReport.text(footprint, by: shape, top: top), terminator: "")
        }
    }

    private func runTree(_ root: Int32) throws {
        let (members, skipped) = try reportingErrors { () throws -> ([TreeMember], [Int32]) in
            let links = try ProcessTree.descendants(of: root)
            var members: [TreeMember] = []
            var skipped: [Int32] = []
            for link in links {
                do {
                    members.append(TreeMember(link: link, footprint: try FootprintReader().read(pid: link.pid, detail: .totals)))
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
