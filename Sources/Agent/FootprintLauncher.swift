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

        let child: Int32
        do {
            child = try ProcessSpawner.spawn(command, environment: environment, stdoutToStderr: true)
        } catch {
            close(pausedWrite)
            close(resumeRead)
            throw error
        }
        close(pausedWrite)
        close(resumeRead)

        var status: Int32?
        var pipeOpen = true
        var pending: [UInt8] = []
        var measured = false
        var measureError: (any Error)?
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            if status == nil { status = ChildProcess.reap(child) }
            signals.forwardPending(to: status == nil ? child : nil)
            guard pipeOpen && !measured else {
                if status != nil { break }
                signals.forward(to: child, waitingUpTo: 0.05)
                continue
            }
            var fds = [pollfd(fd: pausedRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, status == nil ? 50 : 0)
            if ready < 0 && errno != EINTR { throw LaunchError.system("poll", Errno(rawValue: errno)) }
            if ready <= 0 {
                if status != nil { break }  // exited, and nothing more to read
                continue
            }
            let n = buffer.withUnsafeMutableBytes { read(pausedRead, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                pipeOpen = false  // every process holding the write end has closed it
                continue
            }
            pending.append(contentsOf: buffer[0..<n])
            guard let newline = pending.firstIndex(of: 0x0A) else { continue }
            let line = String(decoding: pending[..<newline], as: UTF8.self)
            measured = true
            do {
                let pause = try parse(line)
                // The pid comes from the target: stop only the child memlens started or one of its descendants.
                guard isDescendant(pause.pid, of: child) else { throw Failure.notOurs(pause.pid) }
                try whileStopped(pause.pid) { try measure(pause) }
            } catch {
                measureError = error
            }
            // Let the target go on (a later Python that reaches the hook finds the pipe closed).
            var one: UInt8 = 1
            _ = write(resumeWrite, &one, 1)
            close(resumeWrite)
            resumeOpen = false
        }
        let exitStatus = status ?? 0
        if let measureError { throw measureError }
        if !measured { throw Failure.neverPaused(status: exitStatus) }
        return exitStatus
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
