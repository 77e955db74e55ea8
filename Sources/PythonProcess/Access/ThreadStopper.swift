import Foundation
import Glibc
import ProcFS
import SystemPackage

/// Stops every thread of a process with PTRACE_SEIZE + PTRACE_INTERRUPT and
/// always lets them go again: on success, on any error, and when memlens gets
/// SIGINT/SIGTERM/SIGHUP meanwhile (the signal is held until the threads are
/// detached, then re-raised). Threads started while stopping are caught by
/// re-listing `/proc/PID/task` until it is stable.
///
///     let (copy, pause) = try ThreadStopper.whileStopped(pid: pid) { try HeapCopy.take(...) }
///
/// All ptrace calls happen on the calling thread; keep `body` synchronous.
/// If memlens dies anyway, the kernel detaches the threads and they resume.
public final class ThreadStopper {
    /// The process stopped.
    public let pid: Int32
    /// Threads seized: tid → stopped yet, and the signal to deliver on detach.
    private var threads: [Int32: (stopped: Bool, signal: Int32)] = [:]
    private var savedActions: [Int32: sigaction] = [:]

    public init(pid: Int32) { self.pid = pid }

    deinit { resume() }

    /// Runs `body` with every thread of `pid` stopped, then resumes them.
    /// Returns `body`'s value and how long the process was stopped, in seconds.
    public static func whileStopped<T>(pid: Int32, _ body: () throws(ProcessAccessError) -> T) throws(ProcessAccessError) -> (value: T,
        pauseSeconds: Double) {
        let stopper = ThreadStopper(pid: pid)
        defer { stopper.resume() }
        let start = DispatchTime.now().uptimeNanoseconds
        try stopper.stop()
        let value = try body()
        stopper.resume()
        return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// The number of threads stopped (valid after ``stop()``).
    public var threadCount: Int { threads.count }

    /// Stops every thread; throws (after resuming what it stopped) if it cannot.
    public func stop() throws(ProcessAccessError) {
        deferSignals()
        do throws(ProcessAccessError) {
            for _ in 0..<50 {
                let fresh = try listThreads().filter { threads[$0] == nil }
                if fresh.isEmpty { return }
                for tid in fresh { try seize(tid) }
                for tid in fresh where threads[tid] != nil { try waitForStop(tid) }
            }
            throw ProcessAccessError.inconsistent(pid: pid, detail: "threads kept appearing while stopping it")
        } catch {
            resume()
            throw error
        }
    }

    /// Detaches every thread (each resumes) and re-raises a deferred signal. Idempotent.
    public func resume() {
        for (tid, state) in threads {
            // Best effort: a thread that is gone needs no letting go.
            if !state.stopped, (try? Ptrace.interrupt(tid)) != nil { _ = Ptrace.wait(tid, block: true) }
            try? Ptrace.detach(tid, signal: state.signal)
        }
        threads = [:]
        restoreSignals()
    }

    private func seize(_ tid: Int32) throws(ProcessAccessError) {
        do {
            try Ptrace.seize(tid)
        } catch .noSuchProcess {
            return  // the thread exited meanwhile
        } catch .notPermitted, .permissionDenied {
            if let tracer = tracerPid(), tracer != 0, tracer != getpid() { throw .alreadyTraced(pid: pid, tracer: tracer) }
            throw .permissionDenied(pid: pid, operation: "ptrace (stop)", ptraceScope: ProcReader.ptraceScope())
        } catch {
            throw .ptraceFailed(pid: pid, thread: tid, request: "SEIZE", errno: error)
        }
        threads[tid] = (false, 0)
        do {
            try Ptrace.interrupt(tid)
        } catch .noSuchProcess {
            // Gone meanwhile: waitForStop sees it go.
        } catch {
            throw .ptraceFailed(pid: pid, thread: tid, request: "INTERRUPT", errno: error)
        }
    }

    private func waitForStop(_ tid: Int32) throws(ProcessAccessError) {
        let deadline = DispatchTime.now().uptimeNanoseconds + 5_000_000_000
        while true {
            switch Ptrace.wait(tid, block: false) {
            case .stopped: threads[tid]?.stopped = true; return
            case .signalled(let signal): threads[tid] = (true, signal); return
            case .gone:
                threads[tid] = nil
                if tid == pid || kill(pid, 0) != 0 { throw .exited(pid: pid) }
                return
            case .pending:
                if DispatchTime.now().uptimeNanoseconds > deadline {
                    throw .inconsistent(pid: pid, detail: "thread \(tid) did not stop within 5 s")
                }
                usleep(50)
            }
        }
    }

    private func listThreads() throws(ProcessAccessError) -> [Int32] {
        guard let ids = ProcReader.threadIDs(pid: pid) else {
            throw threads.isEmpty ? .noSuchProcess(pid: pid) : .exited(pid: pid)
        }
        return ids
    }

    private func tracerPid() -> Int32? { (try? ProcReader.status(pid: pid))?.tracerPID }

    // MARK: signals to memlens while the target is stopped

    private static let deferredSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private func deferSignals() {
        guard savedActions.isEmpty else { return }
        for signal in Self.deferredSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = recordDeferredSignal
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(signal, &action, &old)
            savedActions[signal] = old
        }
    }

    private func restoreSignals() {
        guard !savedActions.isEmpty else { return }
        for (signal, var old) in savedActions { sigaction(signal, &old, nil) }
        savedActions = [:]
        let pending = deferredSignal
        deferredSignal = 0
        if pending != 0 { raise(pending) }
    }
}

/// The last SIGINT/SIGTERM/SIGHUP memlens got while a target was stopped.
nonisolated(unsafe) private var deferredSignal: Int32 = 0

private func recordDeferredSignal(_ signal: Int32) { deferredSignal = signal }
