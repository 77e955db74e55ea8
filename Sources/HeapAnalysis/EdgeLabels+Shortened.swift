extension EdgeLabels {
    /// The most objects a report shows of one path. A path down a chain of
    /// 10^6 objects (a linked list, a cycle) was shown whole: a 92 MB page
    /// and 60 MB of `suspects` text.
    public static let pathLimit = 32

    /// ``steps(_:)`` for a report: a path of more than `limit` objects shows
    /// its first and last `limit / 2`, with `… N more objects …` between.
    public func steps(_ path: [Int], limit: Int) -> [String] {
        let half = Swift.max(limit / 2, 1)
        guard path.count > 2 * half else { return steps(path) }
        let cut = path.count - 2 * half
        return steps(Array(path.prefix(half))) + ["… \(cut.groupedDigits) more \(cut == 1 ? "object" : "objects") …"]
            + steps(Array(path.suffix(half)))
    }
}
