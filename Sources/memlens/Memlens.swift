import ArgumentParser

@main
struct Memlens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memlens",
        abstract: "Memory debugger and footprint tool for Python processes.",
        discussion: """
            Take heap snapshots of a Python program and see which objects hold its memory.

              memlens demo                                  # the bundled example, end to end
              memlens run -o snaps/ -- python3 app.py       # then: kill -USR2 <pid>
              memlens summary snaps/1234-1.mlh --top 20
              memlens export snaps/1234-1.mlh --format meliae -o dump.json
            """,
        version: "0.1.0",
        subcommands: [Demo.self, Run.self, Summary.self, Retained.self, Paths.self, ReferrersCommand.self, Diff.self, Export.self, FootprintCommand.self, Imports.self]
    )
}
