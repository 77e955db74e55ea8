/// Human-readable sizes: `1.5 MiB`, `812 B`.
public enum ByteFormat {
    /// `bytes` in the largest binary unit that keeps it at 1 or more.
    public static func string(_ bytes: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        return formatDecimal(value, places: 1) + " " + units[unit]
    }

    /// `value` with `places` decimals, without Foundation.
    public static func formatDecimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < places { text += String(repeating: "0", count: places - decimals) }
            if places == 0 { text = String(text[..<dot]) }
        }
        return text
    }
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
