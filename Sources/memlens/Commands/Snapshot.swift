import Agent
import ArgumentParser
import Foundation
import Reports

struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take a heap snapshot of a running Python process, without restarting it.",
        discussion: """
            The agent runs on the main thread at its next safe point, writes the
            snapshot and cleans up after itself (modules, sys.path, its buffer).
            CPython 3.8–3.13: gdb queues it with Py_AddPendingCall; the process is
            stopped only while gdb attaches. Needs gdb. CPython 3.14+: memlens
            writes sys.remote_exec's request (PEP 768) into the main thread's state;
            no gdb, no stop (not when the target disabled remote debugging). Both
            need the right to ptrace the process (same user, or root).

              memlens snapshot 1234 -o app.mlh
              memlens snapshot 1234 -o app.mlh --no-values --timeout 60
            """
    )

    @Argument(help: "Process id of a CPython 3.8–3.14 process.")
    var pid: Int32

    @Option(name: [.short, .customLong("output")], help: "Snapshot file to write (mode 0600).")
    var output: String

    @Flag(help: "Leave str/bytes/int/float values out (snapshots hold user data).")
    var noValues = false

    @Option(help: "Seconds to wait for the main thread to reach a safe point.")
    var timeout = TimeSpan(seconds: 30)

    @OptionGroup var report: ReportOptions

    func validate() throws {
    }

    func run() throws {
        let result = try reportingErrors {
            try Attacher.snapshot(pid: pid, output: output, values: !noValues, timeoutSeconds: timeout.seconds) { line in
                if !report.json { printError("memlens: \(line)") }
            }
        }
        if report.json {
            struct Document: Encodable { var path: String; var pid: Int32; var python: String; var objects: Int; var bytes: Int; var pause_ms: Double; var total_ms: Double }
            print(try JSONOutput.string(Document(path: output, pid: pid, python: result.python, objects: result.objects, bytes: result.bytes,
                                                 pause_ms: result.dumpSeconds * 1000, total_ms: result.totalSeconds * 1000)))
        } else {
            printError("memlens: wrote \(output): \(result.objects) objects, \(ByteFormat.string(UInt64(result.bytes))); the target paused \(Int(result.dumpSeconds * 1000)) ms (Python \(result.python)), \(Int(result.totalSeconds * 1000)) ms in all")
        }
    }
}
