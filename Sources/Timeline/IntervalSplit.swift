import ProcessModels

/// Turns ``GrowthSampler``'s paired reads into credits: the change of memory
/// between two reads goes to the function that ran at both ends. An interval
/// whose ends ran different functions (one returned or was called inside it)
/// is split between them in proportion to how fast each grew while it ran
/// alone: the first over its reads before, the second over its reads after,
/// until it grows or for ``patience`` (the split waits for them); half each
/// when neither grew. A long interval (the sampler waited behind the
/// target's own `mmap`, or for a CPU) that holds the end of a parse then goes
/// to the parse, not half of it to the caller the parse returned to.
struct IntervalSplit {
    /// A memory figure and the function credited for the stack read with it.
    struct Read {
        var bytes: UInt64
        var t: Double
        var frame: PythonFrame?
    }

    /// Consecutive intervals whose ends ran one function: its net change and their seconds.
    private struct Run {
        var grown: Int64 = 0
        var seconds = 0.0
        var rate: Double { seconds > 0 ? Double(max(0, grown)) / seconds : 0 }
    }

    /// An interval whose ends ran different functions, waiting for the second one's rate.
    private struct Waiting {
        var delta: Int64
        var first: PythonFrame?, second: PythonFrame?
        var firstRate: Double
    }

    /// How long the second function of a split may run without growing before its rate is taken as 0.
    static let patience = 0.01
    private var last: Read?
    private var run = Run()
    private var waiting: Waiting?

    /// Adds the next read; credits what it settles to `credits`.
    mutating func add(_ read: Read, to credits: inout GrowthCredits) {
        defer { last = read }
        guard let previous = last else { return }
        let delta = read.bytes >= previous.bytes ? Int64(clamping: read.bytes - previous.bytes)
                                                 : -Int64(clamping: previous.bytes - read.bytes)
        if Self.same(previous.frame, read.frame) {
            credits.credit(delta, to: read.frame)
            run.grown = run.grown &+ delta
            run.seconds += max(0, read.t - previous.t)
            if let open = waiting, run.grown > 0 || run.seconds >= Self.patience {
                waiting = nil
                split(open, secondRate: run.rate, to: &credits)
            }
        } else {
            // A waiting split whose second function ran no interval alone: it did not grow.
            finish(to: &credits)
            waiting = Waiting(delta: delta, first: previous.frame, second: read.frame, firstRate: run.rate)
            run = Run()
        }
    }

    /// Settles a split still waiting, its second function taken as not growing.
    mutating func finish(to credits: inout GrowthCredits) {
        guard let open = waiting else { return }
        waiting = nil
        split(open, secondRate: 0, to: &credits)
    }

    private func split(_ open: Waiting, secondRate: Double, to credits: inout GrowthCredits) {
        let total = open.firstRate + secondRate
        let first = total > 0 ? Int64((Double(open.delta) * (open.firstRate / total)).rounded()) : open.delta / 2
        credits.credit(first, to: open.first)
        credits.credit(open.delta &- first, to: open.second)
    }

    static func same(_ one: PythonFrame?, _ other: PythonFrame?) -> Bool {
        one?.function == other?.function && one?.file == other?.file
    }
}
