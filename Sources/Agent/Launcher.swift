import Foundation
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
    /// Record str/bytes/int/float values.
    public var values = true

    /// Options writing snapshots into `outputDirectory`.
    public init(outputDirectory: String) {
        self.outputDirectory = outputDirectory
    }
}

/// One line the agent reported: a snapshot written, or an error.
public struct AgentReport: Sendable {
    /// The path of the snapshot, when one was written.
    public var snapshotPath: String?
    /// The line as the agent wrote it.
    public var line: String
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
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)

        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw LaunchError.system("pipe", errno) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)

        var environment = ProcessInfo.processInfo.environment
        let existing = environment["PYTHONPATH"].map { ":" + $0 } ?? ""
        environment["PYTHONPATH"] = agent.path + existing
        environment["MEMLENS_OUTPUT_DIR"] = URL(fileURLWithPath: options.outputDirectory).standardizedFileURL.path
        environment["MEMLENS_SIGNAL"] = String(options.signal)
        environment["MEMLENS_AT_EXIT"] = options.snapshotAtExit ? "1" : "0"
        environment["MEMLENS_VALUES"] = options.values ? "1" : "0"
        environment["MEMLENS_REPORT_FD"] = String(writeEnd)

        // Block the forwarded signals (and SIGCHLD) here, wait for them with
        // sigwaitinfo, and let the child start with them at their defaults.
        var waited = sigset_t()
        sigemptyset(&waited)
        for s in forwarded + [SIGCHLD] { sigaddset(&waited, s) }
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &waited, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }

        let pid = try ProcessSpawner.spawn(command, environment: environment, closing: [readEnd])
        close(writeEnd)
        started(pid)

        let relayDone = DispatchSemaphore(value: 0)
        let relayThread = Thread {
            relayReports(from: readEnd, to: onReport)
            relayDone.signal()
        }
        relayThread.start()

        let status = waitForExit(pid, forwarding: waited)
        // The agent reports before the target can exit; give the relay a moment
        // for a grandchild that still holds the pipe.
        _ = relayDone.wait(timeout: .now() + 2)
        return status
    }

    private static func waitForExit(_ pid: Int32, forwarding waited: sigset_t) -> Int32 {
        var set = waited
        while true {
            // Look without collecting (WNOWAIT) and reap only an exit: a ptrace
            // stop of the child (a census by `watch -- CMD` traces it from another
            // thread) is reported to every thread here, but is its tracer's to collect.
            var seen = siginfo_t()
            if waitid(P_PID, id_t(pid), &seen, WEXITED | WNOHANG | WNOWAIT) == 0, seen._sifields._sigchld.si_pid == pid,
               [Int(CLD_EXITED), Int(CLD_KILLED), Int(CLD_DUMPED)].contains(Int(seen.si_code)) {
                var status: Int32 = 0
                _ = waitpid(pid, &status, 0)
                if status & 0x7F == 0 { return (status >> 8) & 0xFF }  // WIFEXITED → WEXITSTATUS
                return 128 + (status & 0x7F)                          // WTERMSIG
            }
            var info = siginfo_t()
            let signal = sigwaitinfo(&set, &info)
            if signal <= 0 || signal == SIGCHLD { continue }
            // Ctrl-C and Ctrl-\ from the terminal already reached the target,
            // which shares our process group; pass on only signals sent to us.
            if (signal == SIGINT || signal == SIGQUIT || signal == SIGWINCH) && info.si_code == SI_KERNEL { continue }
            kill(pid, signal)
        }
    }

    private static func relayReports(from fd: Int32, to onReport: @Sendable (AgentReport) -> Void) {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                onReport(AgentReport(line: line))
            }
        }
        close(fd)
    }
}

/// Why a command could not be launched.
public enum LaunchError: Error, CustomStringConvertible {
    case commandNotFound(String)
    case system(String, Int32)

    public var description: String {
        switch self {
        case .commandNotFound(let name): return "command not found: \(name) (not a file, and not on PATH)"
        case .system(let what, let code): return "\(what): \(String(cString: strerror(code)))"
        }
    }
}

extension AgentReport {
    /// Parses `snapshot PATH objects=… bytes=… seconds=…`.
    init(line: String) {
        self.line = line
        if line.hasPrefix("snapshot ") {
            let rest = line.dropFirst("snapshot ".count)
            let end = rest.range(of: " objects=")?.lowerBound ?? rest.endIndex
            snapshotPath = String(rest[..<end])
        }
    }
}
