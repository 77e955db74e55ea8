/// Shared formatting for the text tables: percentages and the "N more" line.

/// `part` as a whole percentage of `whole` for the text tables ("0" when
/// `whole` is 0). Sizes come from targets and files and may be near 2^64, so
/// it is computed in full width, never `part * 100`; a part larger than the
/// whole (possible only with saturated totals) reads as 100.
func percent(_ part: UInt64, of whole: UInt64) -> String {
    guard whole > 0 else { return "0" }
    let product = min(part, whole).multipliedFullWidth(by: 100)
    return String(whole.dividingFullWidth(product).quotient)
}

/// The line under a table cut at `shown` of `total` rows of `things` ("… 12 more types (--top N to show more)"),
/// empty when nothing was cut.
func moreLine(_ total: Int, shown: Int, _ things: String) -> String {
    total > shown ? "… \(total - shown) more \(things) (--top N to show more)\n" : ""
}
