import Foundation

/// Watches a running CPython for a while through two agent jobs
/// (`python/target/observe.py`): the first installs a watcher in
/// `gc.callbacks`, the second removes it and reports. Ctrl-C during the
/// window ends it early; the second job still runs, so the target is always
/// left as it was.
public enum Observer {
    /// What an observation window returned, and whether Ctrl-C shortened it.
    public struct Window<Report: Decodable & Sendable>: Sendable {
        public var report: Report
        public var interrupted: Bool
    }

    /// `memlens gc`: every collection during `seconds`, then the GC's state
    /// (`gc.json`, decoded as `Report`); `measureFull` times one full
    /// collection at the end.
    public static func gc<Report: Decodable & Sendable>(
        pid: Int32, seconds: Double, measureFull: Bool, timeoutSeconds: Double, progress: (String) -> Void
    ) throws -> Window<Report> {
        try observe(pid: pid, entry: "gc_main", resultFile: "gc.json", seconds: seconds, timeoutSeconds: timeoutSeconds,
                    stopSettings: ["MEASURE_FULL": measureFull ? "True" : "False"], progress: progress)
    }

    /// `memlens alloc`: tracemalloc's growth by site during `seconds`
    /// (`alloc.json`, decoded as `Report`).
    public static func alloc<Report: Decodable & Sendable>(
        pid: Int32, seconds: Double, depth: Int, top: Int, timeoutSeconds: Double, progress: (String) -> Void
    ) throws -> Window<Report> {
        try observe(pid: pid, entry: "alloc_main", resultFile: "alloc.json", seconds: seconds, timeoutSeconds: timeoutSeconds,
                    startSettings: ["DEPTH": String(depth)], stopSettings: ["TOP": String(top)], progress: progress)
    }

    static func observe<Report: Decodable & Sendable>(
        pid: Int32, entry: String, resultFile: String, seconds: Double, timeoutSeconds: Double,
        startSettings: [String: String] = [:], stopSettings: [String: String] = [:], progress: (String) -> Void
    ) throws -> Window<Report> {
        let interrupts = InterruptGuard()
        let token = "'" + String(UInt64.random(in: 0...UInt64.max), radix: 36) + "'"
        // Inert by itself if memlens never comes back (killed): the window, the
        // wait for the second safe point, and a margin.
        let deadline = seconds + timeoutSeconds + 60
        // The start's modules stay until the stop, which then imports nothing
        // anew (under tracemalloc, that would show as growth).
        var start = Attacher.Job(source: "target/observe.py", entry: entry, keepsModules: true,
                                 settings: ["ACTION": "'start'", "TOKEN": token, "DEADLINE": String(deadline)])
        start.settings.merge(startSettings) { $1 }
        var stop = Attacher.Job(source: "target/observe.py", entry: entry, settings: ["ACTION": "'stop'", "TOKEN": token])
        stop.settings.merge(stopSettings) { $1 }
        do {
            try Attacher.run(start, pid: pid, timeoutSeconds: timeoutSeconds, interrupts: interrupts, progress: progress) { _ in }
        } catch AttachError.interrupted(let pid, let signal) {
            // Ctrl-C may have come while the start was already at work in the
            // target: take its watcher out again (a stop that finds none does nothing).
            let _: Window<Report>? = try? stopWatcher(stop, pid: pid, resultFile: resultFile, timeoutSeconds: timeoutSeconds,
                                                      interrupts: interrupts, interrupted: true)
            throw AttachError.interrupted(pid: pid, signal: signal)
        }
        progress("watching process \(pid) for \(formatSeconds(seconds)) (Ctrl-C ends the window early)")
        let end = Date().addingTimeInterval(seconds)
        var interrupted = false
        while Date() < end, !interrupted {
            interrupted = interrupts.wait(milliseconds: min(200, max(1, saturatingInt(end.timeIntervalSinceNow * 1000)))) != nil
        }
        do {
            return try stopWatcher(stop, pid: pid, resultFile: resultFile, timeoutSeconds: timeoutSeconds, interrupts: interrupts,
                                   interrupted: interrupted)
        } catch {
            throw ObserverError.watcherLeftBehind(pid: pid, cause: "\(error)", inertSeconds: saturatingInt(deadline))
        }
    }

    /// Runs the stop job: the watcher out of `gc.callbacks`, its report read.
    static func stopWatcher<Report: Decodable & Sendable>(
        _ stop: Attacher.Job, pid: Int32, resultFile: String, timeoutSeconds: Double, interrupts: InterruptGuard, interrupted: Bool
    ) throws -> Window<Report> {
        // Asked again while the call lands inside a collection's callbacks.
        for _ in 0..<20 {
            let report: Report? = try Attacher.run(stop, pid: pid, timeoutSeconds: timeoutSeconds, interrupts: interrupts,
                                                   progress: { _ in }) { output in
                if output.status == "retry" { return nil }
                let data = try output.read(resultFile)
                return try JSONDecoder().decode(Report.self, from: data)
            }
            if let report { return Window(report: report, interrupted: interrupted) }
            usleep(50_000)
        }
        throw AttachError.agentFailed(pid: pid, detail: "the watcher stayed inside a collection for 20 tries")
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(saturatingInt(seconds)) s" : String(format: "%.1f s", seconds)
    }
}

/// The second call of an observation window failed: the watcher is still in
/// the target.
public enum ObserverError: Error, CustomStringConvertible {
    case watcherLeftBehind(pid: Int32, cause: String, inertSeconds: Int)

    public var description: String {
        switch self {
        case .watcherLeftBehind(let pid, let cause, let seconds):
            return "\(cause). memlens's watcher is still in gc.callbacks of process \(pid): it goes inert by itself \(seconds) s after " +
                "it began (stopping tracemalloc if memlens started it) and stays an inert entry until the process exits"
        }
    }
}
