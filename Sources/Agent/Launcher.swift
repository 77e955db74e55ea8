import Foundation
public import ProcessModels
import SafeFiles
public import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// What `memlens run` asks of the agent in the target.
public struct LaunchOptions: Sendable {
    /// Folder for `PID-N.mlh` snapshots.
    public var outputDirectory: String
    /// Signal that triggers a snapshot.
    public var signal: Int32 = SIGUSR2
    /// Also take a snapshot when the interpreter exits.
    public var snapshotAtExit = false
    /// The agent dumps each snapshot inside the target, instead of asking
    /// memlens to read it from outside (``SnapshotHandoff``): for hosts where
    /// even a parent may not ptrace its child.
    public var agentDump = false
    /// Record str/bytes/int/float values.
    public var values = true
    /// Report each import and each collection on the report pipe as it
    /// happens (`python/memlens/watch_hooks.py`), for `watch -- CMD`.
    public var watchHooks = false
    /// The command's stdout goes to memlens's stderr (memlens's stdout is a report's).
    public var stdoutToStderr = false

    /// Options writing snapshots into `outputDirectory`.
    public init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }
}

/// One line the agent reported: a snapshot written, or an error. The target
/// writes these (its program can write anything on the pipe), so a line is
/// taken as a snapshot only when it names a file memlens asked for.
public struct AgentReport: Sendable {
    /// The path of the snapshot, when the line is a well-formed report of one
    /// written into the output folder.
    public var snapshotPath: String?
    /// The line as the agent wrote it (the target's words: escape it for a terminal);
    /// memlens's own, with its hints in words.
    public var line: String
    /// memlens's own line (a snapshot it took, why it could not), its hints typed; nil for the target's.
    private var own: HintedText?

    /// The line for memlens's stderr: a snapshot report, or memlens's own
    /// words, as memlens's; anything else marked as the target's words (so a
    /// program cannot forge a `memlens: snapshot …` line naming another file).
    /// Its hints typed: the command line spells them (`rendered(\.flag)`).
    public var message: HintedText {
        if let own { return "memlens: " + own }
        return HintedText(snapshotPath == nil ? "memlens: from the target: " + line : "memlens: " + line)
    }

    /// A line of memlens's own, reporting the snapshot at `snapshotPath` if given.
    init(memlens line: HintedText, snapshotPath: String? = nil) {
        self.line = line.description
        own = line
        self.snapshotPath = snapshotPath
    }
}

/// Runs a command with the memlens agent loaded through `sitecustomize`,
/// forwarding signals to it and relaying the agent's reports.
public enum Launcher {
    /// Signals memlens passes on to the target.
    public static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    /// Starts `command` (argv; `command[0]` looked up on `PATH`), calls
    /// `started` with its pid, `onReport` for each agent report, and returns
    /// its exit status (128 + signal number if a signal ended it).
    public static func run(
        _ command: [String], options: LaunchOptions,
        started: (Int32) -> Void = { _ in },
        onReport: @escaping @Sendable (AgentReport) -> Void
    ) throws -> Int32 {
        precondition(!command.isEmpty)
        let agent = try AgentFiles.install()
        defer { agent.remove() }
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)

        let (readEnd, writeEnd) = try ChildProcess.makePipe()
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        // The socket the agent asks for snapshots on; memlens's end is close-on-exec.
        let handoffEnds = options.agentDump ? nil : try ChildProcess.makeSocketPair()

        let environment = ChildProcess.environment(pythonPathFirst: agent.path, [
            "MEMLENS_OUTPUT_DIR": URL(fileURLWithPath: options.outputDirectory).standardizedFileURL.path,
            "MEMLENS_SIGNAL": String(options.signal),
            "MEMLENS_AT_EXIT": options.snapshotAtExit ? "1" : "0",
            "MEMLENS_VALUES": options.values ? "1" : "0",
            "MEMLENS_REPORT_FD": String(writeEnd),
            "MEMLENS_WATCH_HOOKS": options.watchHooks ? "1" : nil,
            "MEMLENS_SNAPSHOT_FD": handoffEnds.map { String($0.child) },
        ])
        let signals = ForwardedSignals()
        defer { signals.restore() }

        let pid: Int32
        do {
            pid = try ProcessSpawner.spawn(command, environment: environment, closing: [readEnd] + (handoffEnds.map { [$0.memlens] } ?? []),
                                           stdoutToStderr: options.stdoutToStderr)
        } catch {
            if let handoffEnds { close(handoffEnds.memlens); close(handoffEnds.child) }
            throw error
        }
        close(writeEnd)
        started(pid)

        let relayDone = DispatchSemaphore(value: 0)
        let outputFolder = environment["MEMLENS_OUTPUT_DIR"] ?? options.outputDirectory
        let handoff = handoffEnds.map { ends in
            close(ends.child)
            return SnapshotHandoff(pid: pid, socket: ends.memlens, outputFolder: outputFolder, values: options.values, onReport: onReport)
        }
        let relayThread = Thread {
            relayReports(from: readEnd, outputFolder: outputFolder, to: onReport)
            relayDone.signal()
        }
        relayThread.start()

        let status = signals.waitForExit(pid)
        handoff?.finish(graceSeconds: 2)
        // The agent reports before the target can exit; give the relay a moment
        // for a grandchild that still holds the pipe.
        _ = relayDone.wait(timeout: .now() + 2)
        return status
    }

    private static func relayReports(from fd: Int32, outputFolder: String, to onReport: @Sendable (AgentReport) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            // The target writes these lines: one longer than 64 KiB is cut there.
            if pending.count > 65536, !pending.contains(0x0A) { pending = Array(pending.prefix(65536)) + [0x0A] }
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                onReport(AgentReport(line: line, outputFolder: outputFolder))
            }
        }
        close(fd)
    }
}

/// Why a command could not be launched.
public enum LaunchError: Error, CustomStringConvertible {
    case commandNotFound(String)
    /// A system call (`what`) failed.
    case system(String, Errno)
    /// The agent file `target/NAME` is missing from this build.
    case hookMissing(String)

    public var description: String {
        switch self {
        case .commandNotFound(let name): return "command not found: \(name) (not a file, and not on PATH)"
        case .system(let what, let errno): return "\(what): \(errno)"
        case .hookMissing(let name): return "this memlens was built without python/\(name)"
        }
    }
}

extension AgentReport {
    /// Parses `snapshot PATH objects=N bytes=N seconds=S`, where PATH is
    /// `outputFolder/PID-N.mlh` (the only files the agent writes); any other
    /// line is kept as words from the target, with no snapshot path.
    public init(line: String, outputFolder: String) {
        self.line = line
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "snapshot",
              fields[2].hasPrefix("objects="), UInt64(fields[2].dropFirst("objects=".count)) != nil,
              fields[3].hasPrefix("bytes="), UInt64(fields[3].dropFirst("bytes=".count)) != nil,
              fields[4].hasPrefix("seconds="), Double(fields[4].dropFirst("seconds=".count)) != nil else { return }
        let path = String(fields[1])
        let folder = outputFolder.hasSuffix("/") ? outputFolder : outputFolder + "/"
        guard path.hasPrefix(folder) else { return }
        let name = path.dropFirst(folder.count)
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard name.hasSuffix(".mlh"), parts.count == 2, UInt64(parts[0]) != nil,
              UInt64(parts[1].dropLast(".mlh".count)) != nil else { return }
        snapshotPath = path
    }
}
