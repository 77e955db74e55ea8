import Foundation
import Fragmentation
import ProcFS
import ProcessModels
import PythonProcess

/// What a watch remembers between samples.
struct WatchState {
    /// A growth or drop in progress: consecutive samples where memory moved.
    struct Step {
        var growing: Bool
        var fromT: Double
        var baseWritable: UInt64
        var stacks: [[PythonFrame]] = []
        var causes: Set<String> = []
        var modules: [String] = []
        /// Samples since writable stopped moving, and where it stopped.
        var quietSamples = 0
        var end: (writable: UInt64, t: Double)?
        /// What the fine sampler credited during the step, and up to where it stopped.
        var credits = GrowthCredits()
        var endCredits: GrowthCredits?
    }

    var python: PythonProcess?
    /// The fine sampler that credits memory changes to functions, once the interpreter is found.
    var sampler: GrowthSampler?
    var stacks: StackReader?
    var lastPythonTry = -Double.infinity
    var knownModules: Set<String>?
    var lastModuleRead = -Double.infinity
    var memory: AnonymousMemory?
    var step: Step?
    /// The stacks of the last samples, oldest first (one per sample, at most 64).
    var recentStacks: [[PythonFrame]] = []
    /// The fine sampler's credits over the intervals ending at the same samples.
    var recentCredits: [GrowthCredits] = []
    var lastSample: TimelineSample?
    /// The target's CPU time at the last sample (``ProcessStat/cpuTicks``).
    var lastCPUTicks: UInt64?
    var nextCensus = 0.0
    var lastCollections: [Int]?
    /// The agent in the target reports imports and collections (`-- CMD`):
    /// the ones read from outside are not marked.
    var agentHooks = false
    /// The agent said its hooks are in.
    var agentReported = false

    /// Steps smaller than this (writable change) are not marked.
    static let stepBytes: Int64 = 1 << 20
    /// A step goes on while writable still moves this much between samples.
    static let settleBytes: Int64 = 256 << 10
    /// Looking back for a step's start, a sample that moved writable this much
    /// was part of it (a target the machine runs only now and then moves slowly).
    static let creepBytes: Int64 = 64 << 10
    /// Quiet samples that end a step.
    static let quietSamples = 3

    /// The main thread's stack now (empty until the interpreter can be read;
    /// under `-- CMD` it is looked for again every 0.2 s until it is there).
    mutating func stack(pid: Int32, t: Double, timeline: inout Timeline) -> [PythonFrame] {
        if stacks == nil, t - lastPythonTry >= 0.2 {
            lastPythonTry = t
            if let found = try? PythonProcess(pid: pid), let reader = try? StackReader(python: found) {
                python = found
                stacks = reader
                timeline.python = found.version.description
            }
        }
        // The target runs while its stack is read: a read torn by a frame that
        // just returned is tried again (a few µs each) before the sample goes without.
        for _ in 0..<3 {
            if let stack = try? stacks?.mainThreadStack() { return stack }
        }
        return []
    }

    mutating func observe(sample: ProcessSample, stack: [PythonFrame], credits: GrowthCredits = GrowthCredits(), t: Double, pid: Int32,
                          timeline: inout Timeline) {
        let row = TimelineSample(t: t, rssBytes: sample.memory.rssBytes, pssBytes: sample.memory.pssBytes,
                                 ussBytes: sample.memory.ussBytes, writableBytes: sample.memory.writableBytes,
                                 swapBytes: sample.memory.swapBytes, minorFaults: sample.stat.minorFaults,
                                 majorFaults: sample.stat.majorFaults, threads: sample.stat.threadCount)
        timeline.samples.append(row)
        recentStacks.append(stack)
        recentCredits.append(credits)
        if recentStacks.count > 64 { recentStacks.removeFirst(); recentCredits.removeFirst() }
        // Whether the target could have moved memory since the last sample: it waited (sleep, I/O)
        // or it ran. Runnable without having run, it was only waiting for a CPU on a busy machine.
        let ran = sample.stat.state != UInt8(ascii: "R") || sample.stat.cpuTicks != (lastCPUTicks ?? 0)
        defer { lastSample = row; lastCPUTicks = sample.stat.cpuTicks }
        guard let table = try? ProcReader.maps(pid: pid) else { return }
        let now = AnonymousMemory(table)
        defer { memory = now }
        guard let old = memory, let previous = lastSample else { return }
        let change = now.change(from: old)
        if change.growing || change.dropping {
            let growing = change.growing
            if let current = step, current.growing != growing {
                finishStep(endWritable: previous.writableBytes, t: previous.t, timeline: &timeline)
            }
            if step == nil { step = startStep(growing: growing, samples: timeline.samples) } else { step?.credits.add(credits) }
            if !stack.isEmpty, step?.stacks.contains(stack) == false, (step?.stacks.count ?? 0) < 8 { step?.stacks.append(stack) }
            step?.causes.insert(change.cause)
            step?.quietSamples = 0
            if growing {
                let modules = newModules(pid: pid, t: t, timeline: &timeline)
                step?.modules += modules
            }
        } else if let current = step {
            // The mappings stopped moving; the step ends once writable does too
            // (pages of a new mapping are dirtied after it appears).
            step?.credits.add(credits)
            let moved = Int64(row.writableBytes) - Int64(previous.writableBytes)
            let stillMoving = current.growing ? moved >= Self.settleBytes : moved <= -Self.settleBytes
            if stillMoving {
                step?.quietSamples = 0
            } else if ran {
                // Ends after a few quiet samples in which the target ran or waited (a sample in
                // which it only waited for a CPU says nothing), where the quiet began.
                if current.quietSamples == 0 {
                    let credited = step?.credits
                    step?.end = (row.writableBytes, t)
                    step?.endCredits = credited
                }
                step?.quietSamples += 1
                if current.quietSamples + 1 >= Self.quietSamples, let end = step?.end {
                    finishStep(endWritable: end.writable, t: end.t, timeline: &timeline)
                }
            }
        }
    }

    /// A step whose mappings moved at the last sample: it starts where writable
    /// began to move (≥ ``creepBytes`` a sample, looking back at most 63
    /// samples, across pauses shorter than ``quietSamples`` samples: a busy
    /// machine may not run the target for a sample or two), with the stacks seen since.
    func startStep(growing: Bool, samples: [TimelineSample]) -> Step {
        // samples.last is this sample; the step starts at or before the one before it.
        var start = samples.count - 2
        let earliest = max(0, samples.count - recentStacks.count)
        var probe = start, pause = 0
        while probe > earliest, pause < Self.quietSamples {
            let moved = Int64(samples[probe].writableBytes) - Int64(samples[probe - 1].writableBytes)
            if growing ? moved >= Self.creepBytes : moved <= -Self.creepBytes {
                start = probe - 1
                pause = 0
            } else {
                pause += 1
            }
            probe -= 1
        }
        var step = Step(growing: growing, fromT: samples[start].t, baseWritable: samples[start].writableBytes)
        // recentStacks ends with this sample's stack, which observe() adds itself.
        let offset = samples.count - recentStacks.count
        for index in start..<(samples.count - 1) where index - offset >= 0 {
            let stack = recentStacks[index - offset]
            if !stack.isEmpty, !step.stacks.contains(stack), step.stacks.count < 8 { step.stacks.append(stack) }
        }
        // The credits of the intervals after the start sample, this sample's included.
        for index in (start + 1)..<samples.count where index - offset >= 0 { step.credits.add(recentCredits[index - offset]) }
        return step
    }

    /// Names new in the live `sys.modules` (read at most every 0.1 s, and only
    /// while memory grows), each marked as an import.
    mutating func newModules(pid: Int32, t: Double, timeline: inout Timeline) -> [String] {
        guard let python, t - lastModuleRead >= 0.1,
              let names = try? ModuleNames.read(memory: python.memory, image: python.image, pid: pid) else { return [] }
        lastModuleRead = t
        return noteModules(names, t: t, timeline: &timeline)
    }

    /// Records import events for names not seen before; the new names.
    mutating func noteModules(_ names: [String], t: Double, timeline: inout Timeline) -> [String] {
        guard let known = knownModules else { knownModules = Set(names); return [] }
        let new = names.filter { !known.contains($0) }
        if !agentHooks {
            for name in new { timeline.events.append(TimelineEvent(t: t, kind: .import, label: "import \(name)")) }
        }
        knownModules = known.union(new)
        return new
    }

    /// Closes the step in progress: an event if writable moved by a MiB or more.
    mutating func finishStep(endWritable: UInt64, t: Double, timeline: inout Timeline) {
        guard let current = step else { return }
        step = nil
        let (endWritable, t) = current.end ?? (endWritable, t)
        let delta = Int64(endWritable) - Int64(current.baseWritable)
        guard current.growing ? delta >= Self.stepBytes : delta <= -Self.stepBytes else { return }
        let shares = current.growing ? (current.endCredits ?? current.credits).shares() : []
        var event = TimelineEvent(
            t: t, kind: current.growing ? .growth : .drop,
            label: StepLabel.text(delta: delta, modules: current.modules, stacks: current.stacks, shares: shares),
            bytes: delta, fromT: current.fromT, cause: current.causes.sorted().joined(separator: "+"),
            stacks: current.stacks)
        if !shares.isEmpty { event.attribution = shares }
        timeline.events.append(event)
    }

    /// A census (the target stopped briefly): objects, types, the collector,
    /// arenas, and the module names in the same copy.
    mutating func takeCensus(pid: Int32, t: Double, timeline: inout Timeline, progress: (String) -> Void) {
        guard let python else { return }
        var modules: [String] = []
        let result: CensusResult
        do {
            result = try Census.take(python: python, maxAttempts: 5, amend: { memory, result in
                CensusArenas.amend(memory, &result)
                modules = (try? ModuleNames.read(memory, pid: pid)) ?? []
            })
        } catch {
            progress("census at \(String(format: "%.1f", t)) s failed: \(error)")
            return
        }
        _ = noteModules(modules, t: t, timeline: &timeline)
        let collections = result.generations.map { $0.collections ?? 0 }
        if let last = lastCollections, last != collections {
            let parts = zip(collections, last).enumerated().compactMap { index, pair in
                pair.0 > pair.1 ? "gen\(index) ×\(pair.0 - pair.1)" : nil
            }
            if !parts.isEmpty, !agentHooks {
                timeline.events.append(TimelineEvent(t: t, kind: .collection, label: "collections: " + parts.joined(separator: ", ")))
            }
        }
        lastCollections = collections
        timeline.censuses.append(TimelineCensus(
            t: t, objects: result.objects, sizeBytes: result.totalSize, generationCounts: result.generations.map(\.count),
            collections: collections, arenaBytes: result.arenas?.bytes, arenaUsedBytes: result.arenas?.usedBytes,
            pauseMilliseconds: result.pauseMilliseconds,
            types: result.types.prefix(20).map { TimelineCensus.TypeRow(type: $0.type, count: $0.count, sizeBytes: $0.size) }))
    }
}

/// The one-line label of a growth or drop step.
enum StepLabel {
    static func text(delta: Int64, modules: [String], stacks: [[PythonFrame]], shares: [GrowthShare] = []) -> String {
        var label = String(format: "%+.1f MiB writable", Double(delta) / 1_048_576)
        func place(_ function: String, _ path: String, _ line: Int) -> String {
            "\(function) (\(path.split(separator: "/").last.map(String.init) ?? path):\(line))"
        }
        if let top = shares.first {
            // The fine sampler's credits: the functions that grew the memory, with their part of it.
            let rest = shares.dropFirst().prefix(2).filter { $0.share >= 0.1 }
            label += " in " + ([top] + rest).map { place($0.function, $0.file, $0.line) + " " + percent($0.share) }.joined(separator: ", ")
        } else if let stack = stacks.max(by: { $0.count < $1.count }),
                  let frame = stack.first(where: GrowthCredits.isModule) ?? stack.first {
            // The innermost frame of the deepest stack seen: where the work was.
            // (importlib's frozen frames and memlens's own agent say nothing about the program: the first frame outside them.)
            label += " in " + place(frame.function, frame.file, frame.line)
        }
        if !modules.isEmpty {
            label += "; imported " + modules.prefix(3).joined(separator: ", ") + (modules.count > 3 ? " and \(modules.count - 3) more" : "")
        }
        return label
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }
}
