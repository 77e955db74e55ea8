import ProcessModels

/// Turns ``GrowthSampler``'s paired reads into credits: the change of memory
/// between two reads goes to the function that ran at both ends. An interval
/// whose ends ran different functions (one returned or was called inside it)
/// at the edge of a quiet stretch (less than ``quietBytes`` of growth in
/// ``quiet`` before it, or after it) goes wholly to the function on the other
/// side, the one that was growing; otherwise half to each. An end where no
/// Python frame was read (an empty stack inside a running program) gives its
/// share to the other end. A long interval (the sampler waited
/// behind the target's own `mmap`, or for a CPU) that holds the end of a
/// parse then goes to the parse, not half of it to the idle caller the parse
/// returned to, and one that holds its start not half to the idle caller;
/// two functions growing in turn (bursts) share their changes half each.
struct IntervalSplit {
    /// A memory figure and the function credited for the stack read with it.
    struct Read {
        var bytes: UInt64
        var t: Double
        var frame: PythonFrame?
    }

    /// An interval whose ends ran different functions, waiting to see whether memory grows after it.
    private struct Waiting {
        var delta: Int64
        var first: PythonFrame?, second: PythonFrame?
        var firstQuiet: Bool
        var end: Double
        /// Growth since the interval.
        var after: Int64 = 0
    }

    /// Seconds watched on each side of an interval.
    static let quiet = 0.01
    /// Growth in ``quiet`` below which a side is quiet (a file opened, not a parse).
    static let quietBytes: Int64 = 64 << 10
    private var last: Read?
    /// The intervals that grew in the last ``quiet``: when each ended, and by how much.
    private var recentGrowth: [(t: Double, bytes: Int64)] = []
    private var waiting: Waiting?

    /// Adds the next read; credits what it settles to `credits`.
    mutating func add(_ read: Read, to credits: inout GrowthCredits) {
        defer { last = read }
        guard let previous = last else { return }
        let delta = read.bytes >= previous.bytes ? Int64(clamping: read.bytes - previous.bytes)
                                                 : -Int64(clamping: previous.bytes - read.bytes)
        if var open = waiting {
            // Growth after a split: its second side was not quiet; a quiet stretch after it: it was.
            open.after = open.after &+ max(0, delta)
            waiting = open
            if open.after >= Self.quietBytes { settle(open, secondQuiet: false, to: &credits) }
            else if read.t - open.end >= Self.quiet { settle(open, secondQuiet: true, to: &credits) }
        }
        recentGrowth.removeAll { previous.t - $0.t > Self.quiet }
        if Self.same(previous.frame, read.frame) {
            credits.credit(delta, to: read.frame)
        } else {
            finish(to: &credits)
            let before = recentGrowth.reduce(Int64(0)) { $0 &+ $1.bytes }
            waiting = Waiting(delta: delta, first: previous.frame, second: read.frame,
                              firstQuiet: before < Self.quietBytes, end: read.t)
        }
        if delta > 0 { recentGrowth.append((read.t, delta)) }
    }

    /// Settles a split still waiting, not knowing whether its second side was quiet: half each.
    mutating func finish(to credits: inout GrowthCredits) {
        guard let open = waiting else { return }
        settle(open, secondQuiet: nil, to: &credits)
    }

    private mutating func settle(_ open: Waiting, secondQuiet: Bool?, to credits: inout GrowthCredits) {
        waiting = nil
        let first: Int64
        switch (open.firstQuiet, secondQuiet) {
        case _ where open.first == nil: first = 0
        case _ where open.second == nil: first = open.delta
        case (true, false): first = 0
        case (false, true): first = open.delta
        default: first = open.delta / 2
        }
        credits.credit(first, to: open.first)
        credits.credit(open.delta &- first, to: open.second)
    }

    static func same(_ one: PythonFrame?, _ other: PythonFrame?) -> Bool {
        one?.function == other?.function && one?.file == other?.file
    }
}
