import ProcessModels

/// Turns ``GrowthSampler``'s paired reads into credits: the change of memory
/// between two reads goes to the function that ran at both ends. An interval
/// whose ends ran different functions (one returned or was called inside it)
/// goes wholly to one of them when that one grew ``dominance`` times as fast
/// as the other while it ran alone (the first over its reads before, the
/// second over its reads after, for up to ``patience``: the split waits for
/// them), else half to each. A long interval
/// (the sampler waited behind the target's own `mmap`, or for a CPU) that
/// holds the end of a parse then goes to the parse, not half of it to the
/// idle caller the parse returned to; two functions that both grow at a like
/// pace (bursts in turn) share half each, as a split by rates measured over a
/// few milliseconds of lumpy growth would only add noise.
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

    /// How long the second function of a split is watched alone before it is judged.
    static let patience = 0.01
    /// How many times as fast one function must have grown as the other to take a whole interval.
    static let dominance = 4.0
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
            if run.seconds >= Self.patience { finish(to: &credits) }
        } else {
            // The second function of a waiting split ran alone for what it ran: judged on that.
            finish(to: &credits)
            waiting = Waiting(delta: delta, first: previous.frame, second: read.frame, firstRate: run.rate)
            run = Run()
        }
    }

    /// Settles a split still waiting, on how fast its second function grew alone so far.
    mutating func finish(to credits: inout GrowthCredits) {
        guard let open = waiting else { return }
        waiting = nil
        let (one, other) = (open.firstRate, run.rate)
        let first = one > Self.dominance * other ? open.delta : other > Self.dominance * one ? 0 : open.delta / 2
        credits.credit(first, to: open.first)
        credits.credit(open.delta &- first, to: open.second)
    }

    static func same(_ one: PythonFrame?, _ other: PythonFrame?) -> Bool {
        one?.function == other?.function && one?.file == other?.file
    }
}
