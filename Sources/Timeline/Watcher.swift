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
        /// The agent in the target reports imports and collections (``noteAgent(_:)``):
        /// none are marked from outside, even before its first report arrives.
        public var agentHooks = false
        /// How often the fine sampler reads the memory figure and the Python stack
        /// to attribute growth steps (``GrowthSampler``), in seconds; nil: it does not run.
        public var attributionPeriod: Double? = 0.001
        public init(interval: Double, censusEvery: Double, duration: Double?) {
            self.interval = interval; self.censusEvery = censusEvery; self.duration = duration
        }
    }

    public let pid: Int32
    public let options: Options
    private let lock = NSLock()
    private var stopRequested = false
    private var pendingSnapshots: [String] = []
    private var pendingAgent: [AgentEvent] = []
    private var droppedAgent = 0
    private var agentDone = false
    /// The watch's start on CLOCK_MONOTONIC (ns): the clock the agent's times are on.
    private let origin: UInt64

    /// Agent events held between two samples, at most (more are counted and dropped).
    static let maxPendingAgent = 100_000

    public init(pid: Int32, options: Options) {
        self.pid = pid
        self.options = options
        origin = Self.monotonicNanoseconds()
    }

    /// Ends the watch at the next sample (from any thread).
    public func stop() { lock.withLock { stopRequested = true } }

    /// Marks a snapshot the agent wrote (from any thread).
    public func noteSnapshot(_ path: String) { lock.withLock { pendingSnapshots.append(path) } }

    /// Adds an import or a collection the agent in the target reported (from any thread).
    public func noteAgent(_ event: AgentEvent) {
        lock.withLock {
            if pendingAgent.count < Self.maxPendingAgent { pendingAgent.append(event) } else { droppedAgent += 1 }
        }
    }

    /// The agent's report pipe is closed: nothing more will come (from any thread).
    public func agentFinished() { lock.withLock { agentDone = true } }

    var elapsed: Double { Double(Self.monotonicNanoseconds() &- origin) / 1e9 }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Moves the agent's events received so far into the timeline.
    private func drainAgent(_ state: inout WatchState, _ timeline: inout Timeline) {
        let (events, dropped) = lock.withLock { () -> ([AgentEvent], Int) in
            defer { pendingAgent = []; droppedAgent = 0 }
            return (pendingAgent, droppedAgent)
        }
        if dropped > 0 { timeline.notes.append("\(dropped) agent events dropped (more than \(Self.maxPendingAgent) in one sample)") }
        if !events.isEmpty { state.noteAgent(events, origin: origin, timeline: &timeline) }
    }

    /// Samples until the duration ends, ``stop()`` is called or the process
    /// exits; `record` gets each sample, census and event as it is made.
    public func run(command: String, progress: (String) -> Void = { _ in }, record: (TimelineRecord) -> Void = { _ in }) -> Timeline {
        var timeline = Timeline(pid: pid, command: command, interval: options.interval, censusEvery: options.censusEvery)
        var state = WatchState()
        state.agentHooks = options.agentHooks
        var emitted = (samples: 0, censuses: 0, events: 0)
        func emit() {
            for sample in timeline.samples[emitted.samples...] { record(.sample(sample)) }
            for census in timeline.censuses[emitted.censuses...] { record(.census(census)) }
            for event in timeline.events[emitted.events...] { record(.event(event)) }
            emitted = (timeline.samples.count, timeline.censuses.count, timeline.events.count)
        }
        record(.start(timeline))
        var tick = 0
        var previous: ProcessSample?
        var rollupCheck: ProcessSample.RollupCheck?
        while true {
            let t = elapsed
            if let duration = options.duration, t >= duration { timeline.ended = "duration"; break }
            if lock.withLock({ stopRequested }) { timeline.ended = "interrupted"; break }
            // The sample's reads hold the target's mapping lock: at real-time priority where allowed
            // (see SchedulerSlice), so that a busy neighbour cannot preempt them while they hold it.
            let realtime = SchedulerSlice.requestRealtime()
            let read = try? ProcessSample.read(pid: pid, after: previous, check: &rollupCheck)
            if let sample = read {
                previous = sample
                drainAgent(&state, &timeline)
                let stack = state.stack(pid: pid, t: t, timeline: &timeline)
                let credits = state.growthCredits(period: options.attributionPeriod)
                state.observe(sample: sample, stack: stack, credits: credits, t: t, pid: pid, timeline: &timeline)
            }
            if realtime { SchedulerSlice.endRealtime() }
            guard read != nil else {
                timeline.ended = "exited"
                break
            }
            for path in lock.withLock({ () -> [String] in defer { pendingSnapshots = [] }; return pendingSnapshots }) {
                timeline.events.append(TimelineEvent(t: t, kind: .snapshot, label: "snapshot \(path)"))
            }
            if t >= state.nextCensus, state.python != nil {
                state.takeCensus(pid: pid, t: t, timeline: &timeline, progress: progress)
                state.nextCensus = elapsed + options.censusEvery
            }
            emit()
            tick += 1
            let next = Double(tick) * options.interval
            let wait = next - elapsed
            if wait > 0 { Thread.sleep(forTimeInterval: wait) } else { tick = Int(elapsed / options.interval) }
        }
        state.stopSampler(timeline: &timeline)
        state.finishStep(endWritable: timeline.samples.last?.writableBytes ?? 0, t: elapsed, timeline: &timeline)
        if state.agentHooks, timeline.ended == "exited" {
            // What the agent wrote just before the exit is still on its way through the pipe.
            for _ in 0..<300 where !lock.withLock({ agentDone }) { Thread.sleep(forTimeInterval: 0.01) }
        }
        drainAgent(&state, &timeline)
        if options.agentHooks, !state.agentReported { timeline.notes.append("the agent's import and collection hooks never reported") }
        emit()
        timeline.events.sort { $0.t < $1.t }
        return timeline
    }
}
