import Agent
import ArgumentParser

@main
struct Memlens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memlens",
        abstract: "Memory debugger and footprint tool for Python processes.",
        discussion: """
            Where a Python process's memory is, which objects hold it, and why.

              memlens demo                          # the bundled example
              memlens footprint PID                 # USS/PSS/RSS, by kind
              memlens snapshot PID -o app.mlh       # the heap, read from outside
              memlens summary app.mlh               # by type
              memlens retained app.mlh              # what keeps the most alive
              memlens paths app.mlh --type LeakedThing
              memlens report app.mlh -o report.html
              memlens frag PID                      # why RSS stays high
              memlens watch PID -o timeline.html    # memory over time, annotated
            """,
        version: AgentFiles.version,
        groupedSubcommands: [
            CommandGroup(name: "Capture", subcommands: [DemoCommand.self, RunCommand.self, SnapshotCommand.self]),
            CommandGroup(name: "Analyse a snapshot", subcommands: [
                SummaryCommand.self, RetainedCommand.self, PathsCommand.self, ReferrersCommand.self, DiffCommand.self, CyclesCommand.self,
                DupesCommand.self, SuspectsCommand.self,
            ]),
            CommandGroup(name: "Live process", subcommands: [
                FootprintCommand.self, ImportsCommand.self, CensusCommand.self, GCCommand.self, AllocCommand.self, FragCommand.self,
                WatchCommand.self, ServeCommand.self,
            ]),
            CommandGroup(name: "Pictures and export", subcommands: [ReportCommand.self, ExportCommand.self]),
        ]
    )
}
