import ArgumentParser
import PythonProcess
import Reports

struct CensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "census",
        abstract: "Count a live Python process's objects by type, reading its memory; no code runs in it.",
        discussion: """
            Stops every thread only while its writable memory is copied (the pause
            is printed), never while the garbage collector runs, then walks the
            collector's lists in the copy: the objects gc.get_objects() returns,
            plus those frozen by gc.freeze(), sized as sys.getsizeof sizes them.
            Needs the right to ptrace the process (same user, or root). CPython
            3.8–3.13.

              memlens census 1234
              memlens census 1234 --top 50 --json
            """
    )

    @Argument(help: "Process id of a CPython 3.8–3.13 process.")
    var pid: Int32

    @Option(help: "How many types to list.")
    var top = 30

    @Flag(help: "Count objects frozen by gc.freeze() (the permanent generation) in the types too.")
    var frozen = false

    @OptionGroup var report: ReportOptions

    func validate() throws {
        guard top > 0 else { throw ValidationError("--top must be positive") }
    }

    func run() throws {
        let census = try reportingErrors {
            try Census.take(pid: pid, includeFrozen: frozen) { note in printError("memlens: \(note)") }
        }
        if report.json {
            print(try CensusReport.json(census, top: top))
        } else {
            print(CensusReport.text(census, top: top), terminator: "")
        }
    }
}
