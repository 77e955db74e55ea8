import Agent
import Foundation
import ProcessModels
import Reports
import SafeFiles
import Timeline

/// `watch -- CMD`: the command runs under the agent (`memlens run`'s
/// launcher, so SIGUSR2 writes a snapshot, marked on the timeline) and is
/// watched from its first instruction until it exits. The agent's hooks
/// report each import and collection on its report pipe as they happen.
/// With `quietStdout` the command's stdout goes to stderr (stdout is the `--json` document's).
enum WatchLauncher {
    static func run(_ command: [String], options: Watcher.Options, quietStdout: Bool,
                    record: @escaping @Sendable (TimelineRecord) -> Void) throws -> Timeline {
        let folder = try PrivateFolder.create(prefix: "memlens-watch")  // kept: the timeline names the snapshots in it
        defer { folder.removeIfEmpty() }  // …unless no snapshot was taken
        let box = TimelineBox()
        var launch = LaunchOptions(outputDirectory: folder.path)
        launch.values = false
        launch.watchHooks = true
        // The watcher's census stops the command from its own thread; a read-only snapshot would be a second tracer.
        launch.agentDump = true
        launch.stdoutToStderr = quietStdout
        var options = options
        options.agentHooks = true
        _ = try Launcher.run(command, options: launch, started: { [options] pid in
            let watcher = Watcher(pid: pid, options: options)
            box.watcher = watcher
            Thread.detachNewThread {
                box.finish(watcher.run(command: command.joined(separator: " "), progress: { printError("memlens: \($0)") }, record: record))
            }
        }, onReport: { report in
            if let event = AgentEvent(line: report.line) { return box.watcher?.noteAgent(event) ?? () }
            if report.line.hasPrefix("watch ") { return }  // malformed: the target wrote it, it is not worth a line
            if let path = report.snapshotPath { box.watcher?.noteSnapshot(path) }
            printError(report.message.rendered(\.flag))
        })
        box.watcher?.agentFinished()
        return box.wait()
    }
}

/// Hands the watcher's timeline from its thread to the command's.
private final class TimelineBox: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stored: Timeline?
    private var storedWatcher: Watcher?
    var watcher: Watcher? {
        get { lock.withLock { storedWatcher } }
        set { lock.withLock { storedWatcher = newValue } }
    }
    func finish(_ timeline: Timeline) { lock.withLock { stored = timeline }; done.signal() }
    func wait() -> Timeline {
        done.wait()
        return lock.withLock { stored } ?? Timeline(pid: 0, command: "", interval: 0, censusEvery: 0)
    }
}
