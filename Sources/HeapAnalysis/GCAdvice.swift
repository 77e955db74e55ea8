import Foundation
import ProcessModels

/// Advice for `memlens gc`, each tied to what was measured (seed 001's
/// tips: the cost of a large oldest generation and `gc.freeze()`, young
/// collections that free little, cycles, uncollectable objects).
enum GCAdvice {
    /// Below this many objects in the oldest generation a full collection is cheap.
    static let largeOldGeneration = 100_000

    static func advise(_ insight: GCInsight) -> [HintedText] {
        var advice: [HintedText] = []
        let observation = insight.observation
        if !observation.enabled {
            advice.append("The cyclic GC is disabled (gc.disable()): objects in reference cycles are never freed "
                + "until it is enabled again or gc.collect() is called.")
        }
        if let freeze = freezeAdvice(insight) { advice.append(freeze) }
        if let young = youngAdvice(insight) { advice.append(young) }
        if insight.allocationsPerSecond > 0 {
            advice.append("About \(count(insight.allocationsPerSecond)) GC-tracked objects are allocated per second, net of those freed "
                + "(gen-0 collections × threshold \(observation.thresholds.first ?? 0)).")
        }
        if let top = insight.garbage.first, top.perSecond >= 10 {
            advice.append("\(count(top.perSecond)) \(top.type) objects per second die in reference cycles, which only the cyclic GC frees: "
                + "break the cycle (a weakref for the back-reference, or clear it in close()) and they go at once, by reference counting.")
        }
        if observation.garbage > 0 {
            let types = insight.uncollectable.prefix(3).map { "\($0.type) ×\($0.count)" }.joined(separator: ", ")
            let grew = observation.garbage &- (observation.garbageBefore ?? observation.garbage)  // the agent's figures: no trap
            let more = grew > 0 ? ", \(grew) more than when the window began" : ""
            advice.append("gc.garbage holds \(observation.garbage) uncollectable objects (\(types))\(more): they are never freed; "
                + "take a snapshot (memlens snapshot) to see what holds them.")
        }
        return advice
    }

    /// A large oldest generation: what a full collection costs and what `gc.freeze()` saves.
    static func freezeAdvice(_ insight: GCInsight) -> HintedText? {
        let observation = insight.observation
        let generations = observation.generations + [0, 0, 0]
        let old = generations[2], young = generations[0] &+ generations[1]
        guard old >= largeOldGeneration, observation.permanent < old else { return nil }
        var cost: HintedText
        var fullMilliseconds: Double?
        if let full = observation.fullSeconds {
            fullMilliseconds = full * 1000
            cost = "one full collection took \(milliseconds(full * 1000)) (measured)"
        } else if insight.collections[2].count > 0 {
            fullMilliseconds = insight.collections[2].maxMilliseconds
            cost = "the longest full collection seen took \(milliseconds(insight.collections[2].maxMilliseconds))"
        } else {
            cost = "no full collection ran in the window (time one with \(UsageHint.measureFullCollection))"
        }
        var text: HintedText = "The oldest generation holds \(count(Double(old))) objects and every full collection traverses them all: "
            + "\(cost). "
            + "Calling gc.freeze() once start-up is done moves them to the permanent generation, which collections skip"
        if let fullMilliseconds {
            let after = fullMilliseconds * Double(young) / Double(max(old &+ young, 1))
            text += ": a full collection would then traverse only what is allocated after it "
                + "(\(count(Double(young))) objects now, ≈ \(milliseconds(after)))"
        }
        return text + ". In a pre-forking server, gc.disable() early in the parent, gc.freeze() before fork and gc.enable() "
            + "in each child also keeps copy-on-write pages shared."
    }

    /// Frequent young collections that free little.
    static func youngAdvice(_ insight: GCInsight) -> HintedText? {
        let young = insight.collections[0]
        let threshold = insight.observation.thresholds.first ?? 0
        guard young.count >= 10, young.perSecond >= 5, threshold > 0 else { return nil }
        let freedEach = Double(young.collected) / Double(young.count)
        let share = freedEach / Double(threshold)
        guard share < 0.1 else { return nil }
        let thresholds = insight.observation.thresholds
        let proposed = ([threshold &* 10] + thresholds.dropFirst()).map(String.init).joined(separator: ", ")
        let perSecond = milliseconds(young.totalMilliseconds / max(insight.seconds, 1e-9))
        return "Young collections run \(count(young.perSecond)) times a second (\(perSecond) per second in all) and each frees "
            + "\(count(freedEach)) objects on average, \(percent(share)) of the \(threshold) allocations that trigger one: "
            + "most young objects outlive them. gc.set_threshold(\(proposed)) would run them about 10× less often."
    }

    static func count(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func milliseconds(_ value: Double) -> String {
        String(format: value >= 100 ? "%.0f ms" : "%.1f ms", value)
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.1f%%", fraction * 100) }
}
