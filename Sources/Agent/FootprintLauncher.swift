import Foundation
import ProcFS
import SafeFiles
import SystemPackage
#if canImport(CDispatch)
import CDispatch  // timespec: with NIO in the build its initializers resolve to CDispatch's module
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Runs a Python command for `memlens footprint -- CMD`: the hook
/// `python/target/footprint_hook.py`, loaded by a `sitecustomize` of its own,
/// makes the interpreter pause itself once — when it is about to exit
/// (an `atexit` hook), or after `--after SECONDS` — by writing `PID REASON\n`
/// to a pipe memlens gave it and blocking on a read of another. memlens then
/// stops the process (`SIGSTOP`, so no thread runs during the read), measures
/// it, resumes it (`SIGCONT`, one byte on the pipe) and waits for its exit.
public enum FootprintLauncher {
    /// Where the target paused.
    public struct Pause: Sendable {
        /// The paused Python process (the command itself, or a child it started).
        public var pid: Int32
        /// `exit` (the `atexit` hook) or `after` (the `--after` timer).
        public var reason: String
    }

    /// Why the command could not be measured.
    public enum Failure: Error, CustomStringConvertible {
        case neverPaused(status: Int32)
        case badMessage(String)
        case notOurs(Int32)

        public var description: String {
            switch self {
            case .neverPaused(let status):
                return "the command exited (status \(status)) without reaching the point of measurement: is it CPython 3.8 or later, "
                    + "and did it exit normally (not os._exit, exec or a signal)?"
            case .badMessage(let line): return "unexpected message from the target: \(line)"
            case .notOurs(let pid):
                return "the target asked memlens to stop process \(pid), which is not the command memlens started "
                    + "nor one of its children (refused)"
            }
        }
    }

    /// Runs `command` (argv; `command[0]` looked up on `PATH`) with its stdout
    /// sent to stderr; calls `measure` while the target is stopped at its pause
    /// point, and returns the command's exit status (128 + signal number if a
    /// signal ended it). Throws ``Failure/neverPaused(status:)`` if the command
    /// exited without pausing, and rethrows what `measure` threw once the
    /// command has exited.
    public static func run(_ command: [String], after: Double?, measure: (Pause) throws -> Void) throws -> Int32 {
        precondition(!command.isEmpty)
        let folder = try ChildProcess.hookFolder("target/footprint_hook.py", module: "_memlens_footprint", prefix: "memlens-footprint")
        defer { folder.remove() }

        // `paused`: target → memlens; `resume`: memlens → target. Our ends are close-on-exec.
        let (pausedRead, pausedWrite) = try ChildProcess.makePipe()
        let (resumeRead, resumeWrite) = try ChildProcess.makePipe()
        _ = fcntl(pausedRead, F_SETFD, FD_CLOEXEC)
        _ = fcntl(resumeWrite, F_SETFD, FD_CLOEXEC)
        var resumeOpen = true
        defer {
            close(pausedRead)
            if resumeOpen { close(resumeWrite) }
        }

        let environment = ChildProcess.environment(pythonPathFirst: folder.path, [
            "MEMLENS_FOOTPRINT_FDS": "\(pausedWrite),\(resumeRead)", "MEMLENS_FOOTPRINT_AFTER": after.map { String($0) },
        ])
        let signals = ForwardedSignals()
        defer { signals.restore() }

        let child = try spawn(command, environment: environment, closing: (pausedWrite, resumeRead))
        let watched = try watch(child, pausedRead: pausedRead, resumeWrite: resumeWrite, resumeOpen: &resumeOpen, signals: signals,
            measure: measure)
        if let measureError = watched.measureError { throw measureError }
        if !watched.measured { throw Failure.neverPaused(status: watched.status) }
        return watched.status
    }

    /// Starts `command`, then closes the child's ends of the pipes (`closing`) in
    /// memlens, whether or not it started.
    private static func spawn(_ command: [String], environment: [String: String], closing: (Int32, Int32)) throws -> Int32 {
        defer {
            close(closing.0)
            close(closing.1)
        }
        return try ProcessSpawner.spawn(command, environment: environment, stdoutToStderr: true)
    }

    /// Until `child` has exited, passing signals on: reads the pause line from
    /// `pausedRead`, measures the target there, and lets it go on by a byte on
    /// `resumeWrite` (then closed). The exit status, whether the target paused,
    /// and what measuring threw.
    private static func watch(
        _ child: Int32, pausedRead: Int32, resumeWrite: Int32, resumeOpen: inout Bool, signals: ForwardedSignals,
        measure: (Pause) throws -> Void
    ) throws -> (status: Int32, measured: Bool, measureError: (any Error)?) {
        var status: Int32?
        var reader = PauseLineReader(fd: pausedRead)
        var measured = false
        var measureError: (any Error)?
        watching: while true {
            if status == nil { status = ChildProcess.reap(child) }
            signals.forwardPending(to: status == nil ? child : nil)
            guard reader.isOpen && !measured else {
                if status != nil { break }
                signals.forward(to: child, waitingUpTo: 0.05)
                continue
            }
            switch try reader.next(waitingUpTo: status == nil ? 50 : 0) {
            case .idle:
                if status != nil { break watching }  // exited, and nothing more to read
            case .noLine: break
            case .line(let line):
                measured = true
                measureError = measurePause(line, child: child, measure: measure)
                // Let the target go on (a later Python that reaches the hook finds the pipe closed).
                var one: UInt8 = 1
                _ = write(resumeWrite, &one, 1)
                close(resumeWrite)
                resumeOpen = false
            }
        }
        return (status ?? 0, measured, measureError)
    }

    /// Measures the target at the pause `line` announces, stopped; what went wrong, if anything.
    private static func measurePause(_ line: String, child: Int32, measure: (Pause) throws -> Void) -> (any Error)? {
        do {
            let pause = try parse(line)
            // The pid comes from the target: stop only the child memlens started or one of its descendants.
            guard isDescendant(pause.pid, of: child) else { throw Failure.notOurs(pause.pid) }
            try whileStopped(pause.pid) { try measure(pause) }
            return nil
        } catch {
            return error
        }
    }

    /// Reads the `paused` pipe up to its first line.
    private struct PauseLineReader {
        enum Read { case idle, noLine, line(String) }

        let fd: Int32
        /// False once every process holding the write end has closed it.
        private(set) var isOpen = true
        private var pending: [UInt8] = []
        private var buffer = [UInt8](repeating: 0, count: 256)

        init(fd: Int32) { self.fd = fd }

        /// Waits up to `milliseconds` for the pipe and reads what is there: `idle` if
        /// nothing was ready, `noLine` if no whole line has come yet (or at the end), else the first line.
        mutating func next(waitingUpTo milliseconds: Int32) throws -> Read {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, milliseconds)
            if ready < 0 && errno != EINTR { throw LaunchError.system("poll", Errno(rawValue: errno)) }
            if ready <= 0 { return .idle }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { return .noLine }
            if n <= 0 {
                isOpen = false  // every process holding the write end has closed it
                return .noLine
            }
            pending.append(contentsOf: buffer[0..<n])
            guard let newline = pending.firstIndex(of: 0x0A) else { return .noLine }
            return .line(String(decoding: pending[..<newline], as: UTF8.self))
        }
    }

    /// `PID REASON`.
    static func parse(_ line: String) throws -> Pause {
        let parts = line.split(separator: " ")
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0 else { throw Failure.badMessage(line) }
        return Pause(pid: pid, reason: String(parts[1]))
    }

    /// Stops `pid` (every thread), runs `body`, then continues it.
    static func whileStopped(_ pid: Int32, _ body: () throws -> Void) throws {
        guard kill(pid, SIGSTOP) == 0 else { return try body() }  // gone: the reader reports it
        defer { kill(pid, SIGCONT) }
        // Group stop reaches each thread on its way back to user space: wait until all are stopped (2 s at most).
        for _ in 0..<4000 where !allThreadsStopped(pid) { usleep(500) }
        try body()
    }

    /// Whether `pid` is `ancestor` or a process below it (parents read from `/proc/PID/stat`).
    static func isDescendant(_ pid: Int32, of ancestor: Int32) -> Bool {
        var current = pid
        for _ in 0..<64 {
            if current == ancestor { return true }
            guard current > 1, let stat = try? ProcReader.stat(pid: current) else { return false }
            current = stat.parentPID
        }
        return false
    }

    static func allThreadsStopped(_ pid: Int32) -> Bool {
        guard let threads = ProcReader.threadIDs(pid: pid) else { return true }
        for tid in threads {
            guard let stat = try? ProcReader.stat(pid: tid) else { continue }
            if !"TtZX".utf8.contains(stat.state) { return false }
        }
        return true
    }
}
