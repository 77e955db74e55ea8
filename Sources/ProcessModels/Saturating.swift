/// Arithmetic on byte counts that come from a target, a core or a file.
/// Such sizes are untrusted: a corrupt type or a forged dump can hold values
/// near 2^64, and a plain `+` would trap. Totals that are only shown clamp at
/// `UInt64.max` (a total of that size reads as "at least"), differences at 0.
extension UInt64 {
    /// `self + other`, or `UInt64.max` when that does not fit.
    public func addingSaturated(_ other: UInt64) -> UInt64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }

    /// `self − other`, or 0 when `other` is larger.
    public func subtractingSaturated(_ other: UInt64) -> UInt64 {
        self > other ? self - other : 0
    }

    /// `self × other`, or `UInt64.max` when that does not fit.
    public func multipliedSaturated(by other: UInt64) -> UInt64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}

extension Sequence where Element == UInt64 {
    /// The sum of the elements, saturated at `UInt64.max`.
    public func saturatedSum() -> UInt64 {
        reduce(0) { $0.addingSaturated($1) }
    }
}

extension Int64 {
    /// `self + other`, clamped to `Int64.min ... Int64.max`.
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
