import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs agent code inside a running CPython without restarting it, on the
/// main thread at its next safe point (never mid-collection, never on
/// another thread). On 3.8–3.13 gdb queues
/// `Py_AddPendingCall(PyRun_SimpleString, buf)` and detaches at once (the
/// target is stopped only while gdb attaches, well under a second); on
/// 3.14+ memlens writes `sys.remote_exec`'s request (PEP 768) into the main
/// thread's state itself: no gdb, no stop (``RemoteExec``).
///
/// The agent's files and its output pass through `/proc/PID/root/tmp`, so a
/// target in another mount namespace (a container) sees them at `/tmp`.
public enum Attacher {
    /// Size of the buffer gdb maps in the target for the code it queues.
    static let bufferBytes = 65536

    /// One piece of agent work run in a target by `python/memlens/inject.py`.
    public struct Job: Sendable {
        /// Embedded source that defines the entry, e.g. `memlens/snapshot.py`.
        public var source: String
        /// The function the runner calls as `entry(config, mine)`; it returns the status line.
        public var entry: String
        /// Whether the cyclic GC is paused while the job runs (a snapshot's walk).
        public var pausesGC: Bool
        /// Whether modules the job imports stay in `sys.modules` when it
        /// succeeds (the job then removes them itself, in a later call).
        public var keepsModules: Bool
        /// The job's own CONFIG entries: name → Python literal.
        public var settings: [String: String]

        public init(source: String, entry: String, pausesGC: Bool = false, keepsModules: Bool = false, settings: [String: String] = [:]) {
            self.source = source
            self.entry = entry
            self.pausesGC = pausesGC
            self.keepsModules = keepsModules
            self.settings = settings
        }
    }

    /// What a job left behind, read before its folder is removed.
    public struct JobOutput {
        /// The status line after `ok `.
        public var status: String
        /// The job's folder as memlens reaches it (through `/proc/PID/root`);
        /// the job sees it as CONFIG["FOLDER"].
        public var folder: String
    }

    /// Runs `job` in process `pid` and hands its output to `collect` before
    /// removing the job's files. `progress` gets one line per phase. Gives up
    /// after `timeoutSeconds` of waiting for a safe point, leaving the target
    /// as it was (the queued call then finds no file and does nothing).
    /// `interrupts` holds Ctrl-C and kill until gdb has detached.
    public static func run<T>(
        _ job: Job, pid: Int32, timeoutSeconds: Double, interrupts: InterruptGuard,
        progress: (String) -> Void, collect: (JobOutput) throws -> T
    ) throws -> T {
        try checkTarget(pid)
        let injection = try chooseInjection(pid: pid)
        guard let jobSource = AgentFiles.text(of: job.source),
              let runnerSource = AgentFiles.text(of: "memlens/inject.py") else { throw AttachError.agentMissing }

        let token = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let root = "/proc/\(pid)/root"
        let visible = "/tmp/memlens-attach-\(token)"          // as the target sees it
        let folder = root + visible                           // as we reach it
        let status = visible + "/status"
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            try Data(jobSource.utf8).write(to: URL(fileURLWithPath: folder + "/job.py"))
            try Data(runnerSource.utf8).write(to: URL(fileURLWithPath: folder + "/inject.py"))
        } catch {
            throw AttachError.cannotPlaceAgent(pid: pid, detail: "\(error)")
        }
        // Removed through a descriptor of the target's /tmp opened now, which
        // stays valid when /proc/PID/root goes away (the target exits).
        let targetTmp = open(root + "/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer {
            if targetTmp >= 0 {
                removeFolder(named: String(visible.dropFirst("/tmp/".count)), in: targetTmp)
                close(targetTmp)
            } else {
                try? fileManager.removeItem(atPath: folder)
            }
        }

        // The code the target runs: one exec statement, binding nothing in __main__.
        var settings = job.settings
        settings["JOB"] = "'\(visible)/job.py'"
        settings["ENTRY"] = "'\(job.entry)'"
        settings["STATUS"] = "'\(status)'"
        settings["FOLDER"] = "'\(visible)'"
        settings["PAUSE_GC"] = job.pausesGC ? "True" : "False"
        settings["KEEP_MODULES"] = job.keepsModules ? "True" : "False"
        let config = "{" + settings.sorted { $0.key < $1.key }.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}"
        // exec of source text, not compile(): compile() would create CPython's _ast
        // types for good. Nothing may escape: a pending call that fails raises
        // SystemError in the target's main thread. Once memlens removes the
        // agent's folder (done, or given up), a late call finds no file and does nothing.
        let code = "try:\n    exec(open('\(visible)/inject.py', 'rb').read(), "
            + "{'__name__': '_memlens_inject', '__file__': '\(visible)/inject.py', 'CONFIG': \(config)})\n"
            + "except BaseException:\n    pass\n"
        guard code.utf8.count < bufferBytes else { throw AttachError.agentMissing }
        let queued = try queue(code, injection: injection, pid: pid, token: token, folder: folder, visible: visible, progress: progress)
        // Until the agent has run: withdraw a remote exec request still pending (timeout, Ctrl-C, exit).
        var finished = false
        defer { if !finished { queued.withdraw() } }
        if let signal = interrupts.pending() { throw AttachError.interrupted(pid: pid, signal: signal) }

        progress("waiting for a safe point on the main thread (up to \(Int(timeoutSeconds)) s)")
        let statusPath = root + status
        let startedPath = statusPath + ".started"
        var deadline = Date().addingTimeInterval(timeoutSeconds)
        var announced = false
        while !fileManager.fileExists(atPath: statusPath) {
            guard kill(pid, 0) == 0 || errno == EPERM, fileManager.fileExists(atPath: "/proc/\(pid)") else {
                throw AttachError.targetExited(pid: pid)
            }
            if Date() > deadline, fileManager.fileExists(atPath: startedPath) {
                // The agent is already at work: wait for it (a large heap under load) rather than abandon its files.
                if !announced { progress("the agent is at work in the target; waiting for it to finish") }
                announced = true
                deadline = Date().addingTimeInterval(1)
            } else if Date() > deadline {
                // The call stays queued; with the agent's folder removed (on return) it will do nothing.
                throw AttachError.timedOut(pid: pid, seconds: timeoutSeconds, mainThread: mainThreadState(pid))
            }
            if let signal = interrupts.wait(milliseconds: 20) { throw AttachError.interrupted(pid: pid, signal: signal) }
        }
        let line = (readProcFile(statusPath) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // The queued code has run: gdb's buffer can go.
        finished = true
        queued.finish()
        guard line.hasPrefix("ok") else { throw AttachError.agentFailed(pid: pid, detail: line) }
        return try collect(JobOutput(status: String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces), folder: folder))
    }

    /// Removes the folder `name` in the directory `directory` and the files
    /// in it (the agent writes no subfolders).
    static func removeFolder(named name: String, in directory: Int32) {
        let folder = openat(directory, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return }
        if let listing = fdopendir(folder) {
            var names: [String] = []
            while let entry = readdir(listing) {
                let entryName = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if entryName != "." && entryName != ".." { names.append(entryName) }
            }
            for entryName in names { unlinkat(dirfd(listing), entryName, 0) }
            closedir(listing)  // closes `folder` too
        } else {
            close(folder)
        }
        unlinkat(directory, name, AT_REMOVEDIR)
    }

    /// The process exists, is not a zombie, and we may read it.
    static func checkTarget(_ pid: Int32) throws {
        guard pid > 0, let stat = readProcFile("/proc/\(pid)/stat") else {
            throw AttachError.noSuchProcess(pid: pid)
        }
        if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
            throw AttachError.zombie(pid: pid)
        }
        guard (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/root/tmp")) != nil else {
            throw AttachError.ptraceDenied(pid: pid, detail: "permission denied; " + ptraceHint(pid))
        }
    }

    /// What the main thread is doing, from /proc: the system call it waits in, if any.
    static func mainThreadState(_ pid: Int32) -> String {
        let base = "/proc/\(pid)/task/\(pid)"
        let wchan = (readProcFile(base + "/wchan")) ?? "?"
        let syscall = ((readProcFile(base + "/syscall")) ?? "").split(separator: " ").first.map(String.init) ?? "?"
        let names = ["0": "read", "7": "poll", "23": "select", "35": "nanosleep", "61": "wait4", "202": "futex (a lock or GIL wait)",
                     "230": "clock_nanosleep (time.sleep)", "232": "epoll_wait", "270": "pselect6", "271": "ppoll", "281": "epoll_pwait", "43": "accept", "288": "accept4"]
        let call = names[syscall].map { "\($0), syscall \(syscall)" } ?? "syscall \(syscall)"
        return "the main thread is blocked in \(call) (kernel wait channel \(wchan)) and does not reach a point where Python can run the agent"
    }

    /// A /proc file read to its end (they report size 0, and
    /// `String(contentsOfFile:)` stops after the first 4 KiB of them).
    static func readProcFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
