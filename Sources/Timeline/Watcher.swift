import Foundation
import Fragmentation
import ProcFS
public import ProcessModels
import PythonProcess

/// Watches one process: a sample every interval (`smaps_rollup`, `stat`, the
/// main thread's Python stack, `maps`), a read-only census every
/// `censusEvery`, and events: imports (new `sys.modules` names), collections,
/// heap growth and drop steps (brk or large anonymous mappings) with the
/// stacks seen during them, and snapshots the agent reports. Reads only.
public final class Watcher: @unchecked Sendable {
    public struct Options: Sendable {
        public var interval: Double
        public var censusEvery: Double
        /// Stop after this many seconds (nil: until the process exits or ``stop()``).
        public var duration: Double?
        public init(interval: Double, censusEvery: Double, duration: Double?) {
            self.interval = interval; self.censusEvery = censusEvery; self.duration = duration
        }
    }

    public let pid: Int32
    public let options: Options
    private let lock = NSLock()
    private var stopRequested = false
    private var pendingSnapshots: [String] = []
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    public init(pid: Int32, options: Options) {
        self.pid = pid
        self.options = options
        start = clock.now
    }

    /// Ends the watch at the next sample (from any thread).
    public func stop() { lock.withLock { stopRequested = true } }

    /// Marks a snapshot the agent wrote (from any thread).
    public func noteSnapshot(_ path: String) { lock.withLock { pendingSnapshots.append(path) } }

    var elapsed: Double { (clock.now - start).timelineSeconds }

    /// Samples until the duration ends, ``stop()`` is called or the process exits.
    public func run(command: String, progress: (String) -> Void = { _ in }) -> Timeline {
        var timeline = Timeline(pid: pid, command: command, interval: options.interval, censusEvery: options.censusEvery)
        var state = WatchState()
        var tick = 0
        var previous: ProcessSample?
        var rollupCheck: ProcessSample.RollupCheck?
        while true {
            let t = elapsed
            if let duration = options.duration, t >= duration { timeline.ended = "duration"; break }
            if lock.withLock({ stopRequested }) { timeline.ended = "interrupted"; break }
            let sample: ProcessSample
            do { sample = try ProcessSample.read(pid: pid, after: previous, check: &rollupCheck) } catch {
                timeline.ended = "exited"
                break
            }
            previous = sample
            let stack = state.stack(pid: pid, t: t, timeline: &timeline)
            state.observe(sample: sample, stack: stack, t: t, pid: pid, timeline: &timeline)
            for path in lock.withLock({ () -> [String] in defer { pendingSnapshots = [] }; return pendingSnapshots }) {
                timeline.events.append(TimelineEvent(t: t, kind: .snapshot, label: "snapshot \(path)"))
            }
            if t >= state.nextCensus, state.python != nil {
                state.takeCensus(pid: pid, t: t, timeline: &timeline, progress: progress)
                state.nextCensus = elapsed + options.censusEvery
            }
            tick += 1
            let next = Double(tick) * options.interval
            let wait = next - elapsed
            if wait > 0 { Thread.sleep(forTimeInterval: wait) } else { tick = Int(elapsed / options.interval) }
        }
        state.finishStep(endWritable: timeline.samples.last?.writable_bytes ?? 0, t: elapsed, timeline: &timeline)
        timeline.events.sort { $0.t < $1.t }
        return timeline
    }
}

extension Duration {
    var timelineSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
