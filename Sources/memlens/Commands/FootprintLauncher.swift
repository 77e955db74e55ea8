import Agent
import Foundation
import ProcFS
#if canImport(CDispatch)
import CDispatch  // timespec: with NIO in the build its initializers resolve to CDispatch's module
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Runs a Python command for `memlens footprint -- CMD`: a `sitecustomize` of
/// its own makes the interpreter pause itself once — when it is about to exit
/// (an `atexit` hook), or after `--after SECONDS` — by writing `PID REASON\n`
/// to a pipe memlens gave it and blocking on a read of another. memlens then
/// stops the process (`SIGSTOP`, so no thread runs during the read), measures
/// it, resumes it (`SIGCONT`, one byte on the pipe) and waits for its exit.
enum FootprintLauncher {
    /// Where the target paused.
    struct Pause: Sendable {
        /// The paused Python process (the command itself, or a child it started).
        var pid: Int32
        /// `exit` (the `atexit` hook) or `after` (the `--after` timer).
        var reason: String
    }

    enum Failure: Error, CustomStringConvertible {
        case system(String, Int32)
        case neverPaused(status: Int32)
        case badMessage(String)

        var description: String {
            switch self {
            case .system(let what, let code): return "\(what): \(String(cString: strerror(code)))"
            case .neverPaused(let status):
                return "the command exited (status \(status)) without reaching the point of measurement: is it CPython 3.8 or later, "
                    + "and did it exit normally (not os._exit, exec or a signal)?"
            case .badMessage(let line): return "unexpected message from the target: \(line)"
            }
        }
    }

    /// The `sitecustomize.py` put first on the target's `PYTHONPATH`.
    static let sitecustomize = """
        # Written by memlens footprint: pauses this process once, when it is about to exit
        # (or MEMLENS_FOOTPRINT_AFTER seconds after start), so memlens can read its memory;
        # then runs your own sitecustomize.


        def _memlens_footprint():
            import os
            spec = os.environ.pop("MEMLENS_FOOTPRINT_FDS", None)  # not for child processes
            after = os.environ.pop("MEMLENS_FOOTPRINT_AFTER", None)
            if not spec:
                return
            try:
                wfd, rfd = [int(x) for x in spec.split(",")]
                os.set_inheritable(wfd, False)
                os.set_inheritable(rfd, False)
            except (ValueError, OSError):
                return
            import _thread
            import atexit
            owner = os.getpid()  # a forked child inherits the hook, but is not the one measured
            lock = _thread.allocate_lock()
            done = []

            def pause(reason):
                if os.getpid() != owner:
                    return
                with lock:  # at exit, wait for a timer pause in progress
                    if done:
                        return
                    done.append(reason)
                    try:
                        os.write(wfd, ("%d %s\\n" % (owner, reason)).encode("ascii"))
                        os.read(rfd, 1)  # memlens writes a byte (or exits) once it has measured
                    except OSError:
                        pass
                    finally:
                        for fd in (wfd, rfd):
                            try:
                                os.close(fd)
                            except OSError:
                                pass

            # Registered first, so it runs after the program's own atexit handlers.
            atexit.register(pause, "exit")
            if after:
                def timer(seconds):
                    import time
                    time.sleep(seconds)
                    pause("after")
                _thread.start_new_thread(timer, (float(after),))


        _memlens_footprint()
        del _memlens_footprint
        import _memlens_chain
        _memlens_chain.chain_sitecustomize(__file__)

        """

    /// Runs `command` (argv; `command[0]` looked up on `PATH`) with its stdout
    /// sent to stderr; calls `measure` while the target is stopped at its pause
    /// point, and returns the command's exit status (128 + signal number if a
    /// signal ended it). Throws ``Failure/neverPaused(status:)`` if the command
    /// exited without pausing, and rethrows what `measure` threw once the
    /// command has exited.
    static func run(_ command: [String], after: Double?, measure: (Pause) throws -> Void) throws -> Int32 {
        precondition(!command.isEmpty)
        let folder = try makePrivateFolder("memlens-footprint")
        defer { try? FileManager.default.removeItem(at: folder) }
        try AgentFiles.writeSitecustomize(sitecustomize, into: folder)

        // `paused`: target → memlens; `resume`: memlens → target. Our ends are close-on-exec.
        let (pausedRead, pausedWrite) = try makePipe()
        let (resumeRead, resumeWrite) = try makePipe()
        _ = fcntl(pausedRead, F_SETFD, FD_CLOEXEC)
        _ = fcntl(resumeWrite, F_SETFD, FD_CLOEXEC)
        var resumeOpen = true
        defer {
            close(pausedRead)
            if resumeOpen { close(resumeWrite) }
        }

        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = folder.path + (environment["PYTHONPATH"].map { ":" + $0 } ?? "")
        environment["MEMLENS_FOOTPRINT_FDS"] = "\(pausedWrite),\(resumeRead)"
        if let after { environment["MEMLENS_FOOTPRINT_AFTER"] = String(after) } else { environment["MEMLENS_FOOTPRINT_AFTER"] = nil }

        // Wait for the forwarded signals (and SIGCHLD) with sigtimedwait; the child starts with them at their defaults.
        var waited = sigset_t()
        sigemptyset(&waited)
        for s in Launcher.forwarded + [SIGCHLD] { sigaddset(&waited, s) }
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &waited, &previousMask)
        defer { pthread_sigmask(SIG_SETMASK, &previousMask, nil) }

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
        // Passes on a signal sent to memlens (Ctrl-C from a terminal already reached the command).
        func forward(_ signal: Int32, _ info: siginfo_t) {
            if signal <= 0 || signal == SIGCHLD || status != nil { return }
            if (signal == SIGINT || signal == SIGQUIT || signal == SIGWINCH) && info.si_code == SI_KERNEL { return }
            kill(child, signal)
        }
        var info = siginfo_t()
        while true {
            if status == nil { status = reap(child) }
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            while true {
                let signal = sigtimedwait(&waited, &info, &zero)
                if signal <= 0 { break }
                forward(signal, info)
            }
            guard pipeOpen && !measured else {
                if status != nil { break }
                var tick = timespec(tv_sec: 0, tv_nsec: 50_000_000)
                let signal = sigtimedwait(&waited, &info, &tick)
                forward(signal, info)
                continue
            }
            var fds = [pollfd(fd: pausedRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, status == nil ? 50 : 0)
            if ready < 0 && errno != EINTR { throw Failure.system("poll", errno) }
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

    static func allThreadsStopped(_ pid: Int32) -> Bool {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return true }
        for tid in threads {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { continue }
            let state = text[text.index(after: close)...].drop { $0 == " " }.first
            if state != "T" && state != "t" && state != "Z" && state != "X" { return false }
        }
        return true
    }

    /// The exit status of `pid` if it has exited (128 + signal if a signal ended it).
    private static func reap(_ pid: Int32) -> Int32? {
        var status: Int32 = 0
        let done = waitpid(pid, &status, WNOHANG)
        if done == pid {
            if status & 0x7F == 0 { return (status >> 8) & 0xFF }  // WIFEXITED → WEXITSTATUS
            return 128 + (status & 0x7F)                          // WTERMSIG
        }
        if done < 0 && errno == ECHILD { return 0 }
        return nil
    }

    private static func makePipe() throws -> (Int32, Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw Failure.system("pipe", errno) }
        return (ends[0], ends[1])
    }
}
