/// How long ``GrowthSampler`` may take to read a memory figure and a stack
/// for them to be paired: a few times the usual (an exponential average of
/// the reads), and at least ``floor``. A read that took longer was interrupted
/// (a thread of a busy machine loses its CPU for milliseconds), and its two
/// halves describe different moments.
struct PairTiming {
    /// The shortest limit: the usual read takes tens to hundreds of µs.
    static let floor = 0.000_5
    /// The limit, as a multiple of the usual read.
    static let factor = 4.0
    /// The usual read's seconds (nil before the first).
    private(set) var usual: Double?

    /// Seconds a read may take now.
    var limit: Double { max(Self.floor, Self.factor * (usual ?? 0)) }

    /// Whether a read of `seconds` was quick enough; every read adds to the
    /// usual figure, an interrupted one as no more than the limit.
    mutating func accepts(_ seconds: Double) -> Bool {
        let quick = usual == nil || seconds <= limit
        let counted = min(seconds, limit)
        usual = usual.map { 0.9 * $0 + 0.1 * counted } ?? counted
        return quick
    }
}
