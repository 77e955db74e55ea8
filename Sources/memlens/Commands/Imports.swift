import Agent
import ArgumentParser
import Reports

struct ImportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imports",
        abstract: "What each import costs: memory (private dirty), time and objects, as a tree.",
        discussion: """
            Runs a Python command with a small hook on the import system (loaded through
            sitecustomize; your code is not changed) and prints every module it
            imported, nested like -X importtime and sorted by memory: self and
            cumulative change in Private_Dirty, wall time, and the net change in
            allocated blocks (≈ objects kept). The command's own output goes to stderr.

              memlens imports -- python3 -c 'import email.mime.text, decimal'
              memlens imports --module requests  # python3 -c 'import requests'
              memlens imports --json -- python3 app.py | jq '.modules[:5]'
            """
    )

    @Option(help: ArgumentHelp("Profile `python -c 'import NAME'`.", valueName: "name"))
    var module: String?

    @Option(help: "The interpreter for --module.")
    var python = "python3"

    @Option(parsing: .unconditional, help: "Show this many levels of the tree (default: all).")
    var depth: Count?

    @OptionGroup var report: ReportOptions

    @Argument(parsing: .postTerminator, help: "The Python command to run, after --.")
    var command: [String] = []

    var argv: [String] {
        if let module { return [python, "-c", "import \(module)"] }
        return command
    }

    func validate() throws {
        if module != nil && !command.isEmpty {
            throw ValidationError("give either --module NAME or a command after --, not both")
        }
        if argv.isEmpty { throw ValidationError("give the command to run after --, e.g. memlens imports -- python3 -c 'import json'") }
    }

    func run() throws {
        let argv = self.argv
        let (profile, status) = try reportingErrors { try ImportsLauncher.run(argv) }
        try report.emit(text: ImportsReport.text(profile, command: argv, maxDepth: depth?.value),
                        json: ImportsReport.json(profile, command: argv))
        if status != 0 {
            printError("memlens: the command exited with status \(status); the report covers the imports up to then")
            throw ExitCode(status)
        }
    }
}
