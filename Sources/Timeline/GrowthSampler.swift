import Foundation
import ProcFS
import ProcessModels
import PythonProcess

/// Reads the target's resident anonymous memory (``ResidentMeter``) and the
/// Python stack of its thread that holds the GIL (``StackSampler``) every `period` on a thread of
/// its own, and credits each change of memory between two reads to the
/// function that ran (``GrowthCredits/creditedFrame(_:)``), as Austin's memory
/// mode does; when the stacks read at both ends of an interval differ, the
/// functions share its change as ``IntervalSplit`` says. The memory figure and
/// the stack are paired only when read close together (``pairedRead``): the
/// thread can be held up between them for milliseconds (on a busy machine,
/// or behind the target's own `mmap` when another reader of the target's
/// memory holds its mapping lock). The watch's samples take the credits made
/// since the last one (``drain()``). A stack read torn twice is dropped, and
/// its interval's change goes to the next one read whole.
final class GrowthSampler: @unchecked Sendable {
    let period: Double
    private let lock = NSLock()
    private var pending = GrowthCredits()
    private var stopRequested = false
    private var running = false
    private let finished = DispatchSemaphore(value: 0)
    private var reads = 0, retried = 0, dropped = 0, unpaired = 0
    private var started = 0.0, ended = 0.0

    init(period: Double) { self.period = period }

    /// Starts the sampling thread on `python`; false when its memory figure cannot be read.
    func start(python: PythonProcess) -> Bool {
        guard let opened = try? ResidentMeter(pid: python.pid), let reader = try? StackSampler(python: python) else { return false }
        running = true
        started = Self.now()
        // Both are used by the sampling thread alone from here on.
        nonisolated(unsafe) let (meter, stacks) = (opened, reader)
        let thread = Thread { [self] in
            loop(meter: meter, stacks: stacks)
            finished.signal()
        }
        thread.name = "memlens growth sampler"
        thread.start()
        return true
    }

    /// The credits made since the last call.
    func drain() -> GrowthCredits {
        lock.withLock {
            defer { pending = GrowthCredits() }
            return pending
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        guard running else { return }
        lock.withLock { stopRequested = true }
        finished.wait()
        running = false
    }

    /// One line for the timeline's notes: the rate asked and read, the torn reads.
    var summary: String {
        lock.withLock {
            let seconds = max(ended - started, 1e-9)
            return String(format: "growth attribution: every %.3g ms (%.0f reads a second asked, %.0f made), ", period * 1000,
                          1 / period, Double(reads) / seconds)
                + "\(retried) stack reads torn and tried again, \(dropped) dropped, "
                + "\(unpaired) reads made again (held up between memory and stack)"
        }
    }

    private func loop(meter: ResidentMeter, stacks: StackSampler) {
        // Woken each period, the thread runs at once and is not preempted while it holds the target's
        // mapping lock (real time), or at least soon beside busy processes (a short slice).
        if !SchedulerSlice.requestRealtime() { SchedulerSlice.request(microseconds: 100) }
        var split = IntervalSplit()
        var next = Self.now()
        var timing = PairTiming()
        while !lock.withLock({ stopRequested }) {
            next += period
            let now = Self.now()
            if next > now { Self.sleep(until: next) } else if now - next > period { next = now }
            let read: (bytes: UInt64, stack: [PythonFrame])?
            do { read = try pairedRead(meter: meter, stacks: stacks, timing: &timing) } catch { break }
            let t = Self.now()
            lock.withLock {
                reads += 1
                retried = stacks.retried
                dropped = stacks.dropped
                ended = t
            }
            // No pair: this interval's change goes to the next pair's.
            guard let (bytes, stack) = read else { continue }
            let frame = GrowthCredits.creditedFrame(stack)
            lock.withLock { split.add(IntervalSplit.Read(bytes: bytes, t: t, frame: frame), to: &pending) }
        }
        lock.withLock {
            split.finish(to: &pending)
            ended = Self.now()
        }
    }

    /// The memory figure and the stack, read close enough together to be
    /// paired: a pair that took longer than ``PairTiming/limit`` (the thread
    /// lost its CPU between the two reads on a busy machine, and the figure
    /// is from milliseconds before the stack) is read again at once, at most
    /// ``pairAttempts`` times in all; nil when none was paired or the stack was
    /// torn. Throws once the process has exited.
    private func pairedRead(meter: ResidentMeter, stacks: StackSampler,
                            timing: inout PairTiming) throws(ProcFSError) -> (bytes: UInt64, stack: [PythonFrame])? {
        for _ in 0..<Self.pairAttempts {
            let start = Self.now()
            let bytes = try meter.anonymousBytes()
            let stack = stacks.sample()
            let took = Self.now() - start
            let paired = timing.accepts(took)
            guard let stack else { continue }
            if paired { return (bytes, stack) }
            lock.withLock { unpaired += 1 }
        }
        return nil
    }

    /// Reads of a memory figure and a stack made for one sample at most.
    static let pairAttempts = 3

    static func now() -> Double { Double(Watcher.monotonicNanoseconds()) / 1e9 }

    static func sleep(until deadline: Double) {
        var when = timespec(tv_sec: Int(deadline), tv_nsec: Int((deadline - deadline.rounded(.down)) * 1e9))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &when, nil) == EINTR {}
    }
}

extension WatchState {
    /// What the fine sampler credited since the last sample; it starts once the
    /// interpreter is found (`period` nil: it never runs).
    mutating func growthCredits(period: Double?) -> GrowthCredits {
        if sampler == nil, let python, let period {
            let started = GrowthSampler(period: period)
            sampler = started.start(python: python) ? started : nil
        }
        return sampler?.drain() ?? GrowthCredits()
    }

    /// Stops the fine sampler: its last credits go to the step in progress, its summary to the notes.
    mutating func stopSampler(timeline: inout Timeline) {
        guard let sampler else { return }
        sampler.stop()
        step?.credits.add(sampler.drain())
        timeline.notes.append(sampler.summary)
    }
}
