import Agent
import ArgumentParser
import Foundation
import HeapGraph
import PythonProcess
import Reports

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take a heap snapshot of a running Python process (or a core file), without restarting it.",
        discussion: """
            By default nothing runs in the target: every thread is stopped only
            while its writable memory is copied (as `census` does), then the copy
            is walked from outside: every object the collector tracks (frozen ones
            too), the untracked objects they reach, referents by layout, every
            thread's frames and locals. Works when the main thread is blocked in C
            and on core files (`gcore PID`, or the kernel's). CPython 3.8–3.13.

            --agent injects the stdlib agent instead: it runs on the main thread at
            its next safe point (3.8–3.13 through gdb, 3.14+ through sys.remote_exec).
            Both need the right to ptrace the process (same user, or root).

              memlens snapshot 1234 -o app.mlh
              memlens snapshot core.1234 --exe /usr/bin/python3.11 -o app.mlh
              memlens snapshot 1234 -o app.mlh --agent --timeout 60
            """
    )

    @Argument(help: "Process id of a CPython process, or the path of its core file.")
    var target: ProcessOrFile

    @Option(name: [.short, .customLong("output")], help: "Snapshot file to write (mode 0600).")
    var output: String

    @Option(help: "With a core file: the Python executable, when the path the core names is not on this machine.")
    var exe: String?

    @Flag(help: "Leave str/bytes/int/float values out (snapshots hold user data).")
    var noValues = false

    @Flag(help: "Inject the agent into the target instead of reading its memory from outside.")
    var agent = false

    @Option(parsing: .unconditional, help: "With --agent: seconds to wait for the main thread to reach a safe point.")
    var timeout = TimeSpan(seconds: 30)

    @OptionGroup var report: ReportOptions

    func validate() throws {
        if target.pid == nil, agent { throw ValidationError("--agent takes a pid: a core file can only be read") }
        if target.pid != nil, exe != nil { throw ValidationError("--exe is for core files; a live process names its own executable") }
    }

    func run() throws {
        let note: (String) -> Void = { line in report.progress("memlens: \(line)") }
        let pid = target.pid
        let started = Date()
        let line: SnapshotLine
        if agent, let pid {
            let result = try reportingErrors {
                try Attacher.snapshot(pid: pid, output: output, values: !noValues, timeoutSeconds: timeout.seconds, progress: note)
            }
            line = SnapshotLine(path: output, pid: pid, python: result.python, method: "agent", objects: result.objects,
                                bytes: result.bytes, pauseMilliseconds: result.dumpSeconds * 1000,
                                totalMilliseconds: result.totalSeconds * 1000)
        } else {
            let snapshot = try reportingErrors {
                switch target {
                case .process(let pid): try ReadOnlySnapshot.write(pid: pid, to: output, values: !noValues, progress: note)
                case .file(let core): try ReadOnlySnapshot.write(core: core, executable: exe, to: output, values: !noValues)
                }
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            line = SnapshotLine(path: output, pid: snapshot.pid, python: snapshot.python, method: "read-only",
                                objects: snapshot.objectCount, bytes: bytes, pauseMilliseconds: snapshot.pauseMilliseconds,
                                totalMilliseconds: Date().timeIntervalSince(started) * 1000,
                                walkMilliseconds: snapshot.walkMilliseconds,
                                writeMilliseconds: snapshot.commitMilliseconds, copiedBytes: snapshot.copiedBytes,
                                edges: snapshot.edgeCount,
                                conservativeObjects: snapshot.conservativeObjects)
        }
        // The summary is a progress line (stderr): stdout carries only the --json document.
        let size = ByteFormat.string(UInt64(clamping: line.bytes))
        report.progress("memlens: wrote \(output) (\(line.method)): \(line.objects) objects, \(size); "
            + "the target paused \(String(format: "%.0f", line.pauseMilliseconds)) ms (Python \(line.python)), "
            + "\(String(format: "%.0f", line.totalMilliseconds)) ms in all")
        try report.emit(text: "", json: JSONOutput.string(line))
    }
}

/// What `memlens snapshot --json` prints.
struct SnapshotLine: Encodable {
    var path: String
    var pid: Int32
    var python: String
    /// `read-only` or `agent`.
    var method: String
    var objects: Int
    var bytes: Int
    var pauseMilliseconds: Double
    var totalMilliseconds: Double
    /// Read-only: walking the copy, writing the file as it goes; the bytes copied; edges; objects scanned conservatively.
    var walkMilliseconds: Double?
    /// Read-only: finishing the file (last sections, flushed to disk, renamed into place).
    var writeMilliseconds: Double?
    var copiedBytes: UInt64?
    var edges: Int?
    var conservativeObjects: Int?

    enum CodingKeys: String, CodingKey {
        case path, pid, python, method, objects, bytes, edges
        case pauseMilliseconds = "pause_ms", totalMilliseconds = "total_ms", walkMilliseconds = "walk_ms"
        case writeMilliseconds = "write_ms", copiedBytes = "copied_bytes", conservativeObjects = "conservative_objects"
    }
}
