public import Foundation
import ProcFS
import PythonProcess
public import SafeFiles
import SystemPackage
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
/// The agent's files and its output pass through a new folder in the
/// target's own `/tmp` (reached through `/proc/PID/root`, so a target in
/// another mount namespace sees it at `/tmp`), opened by descriptor.
public enum Attacher {
    /// Size of the buffer gdb maps in the target for the code it queues.
    static let bufferBytes = 65536

    /// One piece of agent work run in a target by `python/target/inject.py`.
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
        /// The job's folder in the target's `/tmp`, held open; the job sees it
        /// as CONFIG["FOLDER"]. The target owns it: read it with ``read(_:limitBytes:)``.
        public var folder: Directory

        /// The regular file `name` the job wrote, at most `limitBytes` long
        /// (what comes back from a target is untrusted: bounded, never followed through a link).
        public func read(_ name: String, limitBytes: Int = 64 << 20) throws -> Data {
            Data(try folder.readRegularFile(name, limitBytes: limitBytes))
        }
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
        let folder = try placeJob(job, pid: pid)
        // Removed through the descriptors opened now, which stay valid when
        // /proc/PID/root goes away (the target exits).
        defer { folder.remove() }
        let token = String(folder.name.dropFirst("memlens-attach-".count))
        let visible = "/tmp/" + folder.name                   // as the target sees it
        let code = injectedCode(job, visible: visible)
        guard code.utf8.count < bufferBytes else { throw AttachError.agentMissing }
        let queued = try queue(code, injection: injection, pid: pid, token: token, folder: folder.directory, visible: visible,
            progress: progress)
        // Until the agent has run: withdraw a remote exec request still pending (timeout, Ctrl-C, exit).
        var finished = false
        defer { if !finished { queued.withdraw() } }
        if let signal = interrupts.pending() { throw AttachError.interrupted(pid: pid, signal: signal) }

        try waitForStatus(in: folder.directory, pid: pid, timeoutSeconds: timeoutSeconds, interrupts: interrupts, progress: progress)
        let bytes: [UInt8]
        do { bytes = try folder.directory.readRegularFile("status", limitBytes: 64 << 10) } catch {
            finished = true
            queued.finish()
            throw AttachError.agentFailed(pid: pid, detail: "its status could not be read safely: \(error)")
        }
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        // The queued code has run: gdb's buffer can go.
        finished = true
        queued.finish()
        guard line.hasPrefix("ok") else { throw AttachError.agentFailed(pid: pid, detail: String(line.prefix(2000))) }
        return try collect(JobOutput(status: String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces), folder: folder.directory))
    }

    /// The job's folder: new, in the target's own /tmp (a container sees it
    /// there), reached through a descriptor so that nothing the target's user
    /// plants in /tmp redirects it; handed to the target's user, who must
    /// write the status and output into it. Holds the job and the runner.
    private static func placeJob(_ job: Job, pid: Int32) throws -> PrivateFolder {
        guard let jobSource = AgentFiles.text(of: job.source),
              let runnerSource = AgentFiles.text(of: "target/inject.py") else { throw AttachError.agentMissing }
        do {
            let targetTmp = try Directory.temporary(ofProcess: pid)
            let folder = try targetTmp.makeFolder(prefix: "memlens-attach", mode: .ownerReadWriteExecute, owner: nil)
            try folder.directory.createFile("job.py", contents: Array(jobSource.utf8), mode: AgentFiles.readable)
            try folder.directory.createFile("inject.py", contents: Array(runnerSource.utf8), mode: AgentFiles.readable)
            if let owner = try? ProcReader.status(pid: pid), owner.effectiveUID != geteuid() {
                guard fchown(folder.directory.descriptor.rawValue, owner.effectiveUID, owner.effectiveGID) == 0 else {
                    folder.remove()
                    throw FileSafetyError(path: folder.path,
                        reason: "cannot hand the folder to uid \(owner.effectiveUID): \(Errno(rawValue: errno))")
                }
            }
            return folder
        } catch {
            throw AttachError.cannotPlaceAgent(pid: pid, detail: "\(error)")
        }
    }

    /// The code the target runs: one exec statement, binding nothing in __main__, that
    /// runs the runner in the job's folder (`visible`, as the target sees it) with the
    /// job's settings as CONFIG.
    private static func injectedCode(_ job: Job, visible: String) -> String {
        var settings = job.settings
        settings["JOB"] = "'\(visible)/job.py'"
        settings["ENTRY"] = "'\(job.entry)'"
        settings["STATUS"] = "'\(visible)/status'"
        settings["FOLDER"] = "'\(visible)'"
        settings["PAUSE_GC"] = job.pausesGC ? "True" : "False"
        settings["KEEP_MODULES"] = job.keepsModules ? "True" : "False"
        let config = "{" + settings.sorted { $0.key < $1.key }.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}"
        // exec of source text, not compile(): compile() would create CPython's _ast
        // types for good. Nothing may escape: a pending call that fails raises
        // SystemError in the target's main thread. Once memlens removes the
        // agent's folder (done, or given up), a late call finds no file and does nothing.
        return "try:\n    exec(open('\(visible)/inject.py', 'rb').read(), "
            + "{'__name__': '_memlens_inject', '__file__': '\(visible)/inject.py', 'CONFIG': \(config)})\n"
            + "except BaseException:\n    pass\n"
    }

    /// Waits until the agent has written `status` in `folder`: past `timeoutSeconds` only
    /// while the agent is at work (`status.started`). Throws when the target exits, on
    /// timeout and on Ctrl-C or kill.
    private static func waitForStatus(
        in folder: Directory, pid: Int32, timeoutSeconds: Double, interrupts: InterruptGuard, progress: (String) -> Void
    ) throws {
        progress("waiting for a safe point on the main thread (up to \(saturatingInt(timeoutSeconds)) s)")
        var deadline = Date().addingTimeInterval(timeoutSeconds)
        var announced = false
        while !folder.contains("status") {
            guard kill(pid, 0) == 0 || errno == EPERM, ProcReader.exists(pid: pid) else {
                throw AttachError.targetExited(pid: pid)
            }
            if Date() > deadline, folder.contains("status.started") {
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
    }

    /// The process exists, is not a zombie, and we may read it.
    static func checkTarget(_ pid: Int32) throws {
        guard pid > 0, let stat = try? ProcReader.stat(pid: pid) else { throw AttachError.noSuchProcess(pid: pid) }
        if stat.isZombie { throw AttachError.zombie(pid: pid) }
        // gdb could not attach either, and the kernel's EPERM would be blamed on rights or seccomp.
        if let tracer = Tracer.of(pid) { throw AttachError.alreadyTraced(pid: pid, tracer: tracer) }
        guard (try? Directory.temporary(ofProcess: pid)) != nil else {
            throw AttachError.ptraceDenied(pid: pid, detail: "permission denied; " + ptraceHint(pid))
        }
    }

    /// What the main thread is doing, from /proc: the system call it waits in, if any.
    static func mainThreadState(_ pid: Int32) -> String {
        let wchan = ProcReader.waitChannel(pid: pid, thread: pid) ?? "?"
        let syscall = (ProcReader.systemCall(pid: pid, thread: pid) ?? "").split(separator: " ").first.map(String.init) ?? "?"
        let names = ["0": "read", "7": "poll", "23": "select", "35": "nanosleep", "61": "wait4", "202": "futex (a lock or GIL wait)",
                     "230": "clock_nanosleep (time.sleep)", "232": "epoll_wait", "270": "pselect6", "271": "ppoll",
                     "281": "epoll_pwait", "43": "accept", "288": "accept4"]
        let call = names[syscall].map { "\($0), syscall \(syscall)" } ?? "syscall \(syscall)"
        return "the main thread is blocked in \(call) (kernel wait channel \(wchan)) and does not reach a point where Python can " +
            "run the agent"
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
