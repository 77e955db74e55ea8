import Agent
import ArgumentParser
import Foundation
import ProcessModels
import Reports

#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a Python program with the memlens agent loaded; a signal writes a snapshot.",
        discussion: """
            The agent is loaded through sitecustomize (your own sitecustomize still
            runs); your script is not changed. Send the target SIGUSR2 and memlens
            writes DIR/<pid>-<n>.mlh and prints where. Signals sent to memlens are
            passed on, and memlens exits with the program's status.

            The agent asks memlens, the program's parent, to take the snapshot with
            the read-only walk (as `snapshot PID` does): the program is stopped only
            while its memory is copied, its main thread waits until the file is
            written, and frame locals are named. Where that walk refuses (a Python
            it does not read, ptrace refused), the agent dumps in-process instead,
            saying so in one line.

            --agent-dump has the agent dump every snapshot in-process from the
            start: for hosts where even a parent may not ptrace its child (a seccomp
            profile or a container without CAP_SYS_PTRACE) and for Pythons the
            read-only walk does not read (CPython 3.14 and 3.15 today). It is slower
            and does not name frame locals.

              memlens run -o snaps/ -- python3 app.py --port 8000
              kill -USR2 <pid>                      # → snaps/<pid>-1.mlh
              memlens run --snapshot-at-exit -o snaps/ -- python3 batch.py
              memlens run --agent-dump -o snaps/ -- python3 app.py
            """
    )

    @Option(name: [.short, .customLong("output")], help: "Folder for snapshots.")
    var output = "."

    @Flag(help: "Also write a snapshot when the interpreter exits.")
    var snapshotAtExit = false

    @Flag(help: "Leave str/bytes/int/float values out of snapshots (they hold user data).")
    var noValues = false

    @Flag(help: "The agent dumps snapshots inside the program instead of memlens reading it from outside (where ptrace is refused).")
    var agentDump = false

    @Option(help: "Signal that writes a snapshot: USR2, USR1, HUP, another name a handler can take, or a number (34–64: real-time).")
    var signal = "USR2"

    @Argument(parsing: .postTerminator, help: "The command to run, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command to run after --, e.g. memlens run -- python3 app.py") }
        guard !output.isEmpty else { throw ValidationError("--output: an empty path names no folder; give one, such as -o snaps/") }
        _ = try SnapshotSignal.parse(signal)
    }

    func run() throws {
        let argv = command
        let signal = try SnapshotSignal.parse(self.signal)
        var options = LaunchOptions(outputDirectory: output)
        options.signal = signal.number
        options.snapshotAtExit = snapshotAtExit
        options.values = !noValues
        options.agentDump = agentDump
        let status = try reportingErrors {
            try Launcher.run(argv, options: options, started: { pid in
                printError("memlens: started \(argv.joined(separator: " ")) as pid \(pid); kill -\(signal.name) \(pid) writes a snapshot " +
                    "to \(output)")
            }, onReport: { report in
                printError(report.message.rendered(\.flag))
            })
        }
        throw ExitCode(status)
    }
}
