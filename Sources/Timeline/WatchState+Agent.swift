import Foundation
import ProcessModels

/// Events the agent measured in the target (`watch -- CMD`): imports with
/// their exact start, duration and writable change, and each collection's
/// pause. They replace the events read from outside (new `sys.modules` names,
/// changed collection counters), so nothing is marked twice; the names read
/// from outside still label steps.
extension WatchState {
    /// Adds `events` (received since the last sample) to the timeline;
    /// `origin` is the watch's start on CLOCK_MONOTONIC, in ns.
    mutating func noteAgent(_ events: [AgentEvent], origin: UInt64, timeline: inout Timeline) {
        func seconds(_ ns: UInt64) -> Double { ns > origin ? Double(ns - origin) / 1e9 : 0 }
        var collections: [Int: [(start: UInt64, duration: UInt64, collected: Int, uncollectable: Int)]] = [:]
        for event in events {
            switch event {
            case .hooks:
                agentHooks = true
                agentReported = true
            case let .import(name, start, duration, dirty, failed):
                var mark = TimelineEvent(t: seconds(start), kind: .import, label: "import \(name)" + (failed ? " (failed)" : ""))
                mark.bytes = dirty
                mark.source = "agent"
                mark.durationMilliseconds = Double(duration) / 1e6
                timeline.events.append(mark)
            case let .collection(start, duration, generation, collected, uncollectable):
                collections[generation, default: []].append((start, duration, collected, uncollectable))
            }
        }
        // One event per generation and sample interval: the collections of a
        // busy program (gen0 may run hundreds of times a second) stay a few marks a sample.
        for (generation, runs) in collections.sorted(by: { $0.key < $1.key }) {
            // The program under watch can write these lines itself: the sums wrap rather than trap.
            let pause = Double(runs.reduce(0) { $0 &+ $1.duration }) / 1e6, longest = Double(runs.map(\.duration).max() ?? 0) / 1e6
            let collected = runs.reduce(0) { $0 &+ $1.collected }, uncollectable = runs.reduce(0) { $0 &+ $1.uncollectable }
            var label = runs.count == 1 ? "gen\(generation) collection: " + String(format: "%.3f ms pause", pause)
                : "gen\(generation) ×\(runs.count) collections: " + String(format: "%.3f ms paused (longest %.3f ms)", pause, longest)
            label += ", \(collected) collected" + (uncollectable > 0 ? ", \(uncollectable) uncollectable" : "")
            var mark = TimelineEvent(t: seconds(runs[0].start), kind: .collection, label: label)
            mark.source = "agent"
            mark.durationMilliseconds = pause
            mark.generation = generation
            mark.count = runs.count
            mark.maxMilliseconds = longest
            mark.collected = collected
            mark.uncollectable = uncollectable
            timeline.events.append(mark)
        }
    }
}
