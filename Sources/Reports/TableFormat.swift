/// Shared formatting for the text tables: the table, percentages and the "N more" line.

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

/// A plain-text table with right-aligned numeric columns.
public struct TextTable {
    /// Column titles.
    public var headers: [String]
    /// Which columns are left-aligned (the rest align right).
    public var leftAligned: Set<Int>
    /// The rows, one string per column.
    public var rows: [[String]] = []

    /// A table with these headers; `leftAligned` columns align left.
    public init(headers: [String], leftAligned: Set<Int> = []) {
        self.headers = headers
        self.leftAligned = leftAligned
    }

    /// The table as lines joined by newlines, with a trailing newline.
    public func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return leftAligned.contains(i) ? (i == cells.count - 1 ? cell : cell + pad) : pad + cell
            }.joined(separator: " ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
