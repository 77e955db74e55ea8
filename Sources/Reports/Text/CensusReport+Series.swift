public import ProcessModels

extension CensusReport {
    /// One line per census as it is taken (`census --every`).
    public static func progressLine(_ census: CensusResult, index: Int) -> String {
        "#\(index) \(census.objects) objects, \(ByteFormat.string(census.totalSize)), paused " +
            "\(ByteFormat.formatDecimal(census.pauseMilliseconds, places: 1)) ms"
    }

    /// The growth table of a series: the `top` types with the largest size change.
    public static func seriesText(_ series: CensusSeries, top: Int) -> String {
        guard let first = series.censuses.first, let last = series.censuses.last else { return "" }
        let seconds = last.seconds - first.seconds
        var out = "\(series.censuses.count) censuses over \(ByteFormat.formatDecimal(seconds, places: 1)) s: objects "
            + "\(first.result.objects) → \(last.result.objects), \(ByteFormat.string(first.result.totalSize)) → " +
                "\(ByteFormat.string(last.result.totalSize))\n"
        var table = TextTable(headers: ["Δ Count", "Δ Size", "Size/min", "Count", "Type"], leftAligned: [4])
        let rows = series.growth()
        for row in rows.prefix(top) {
            let perMinute = abs(row.bytesPerMinute) < 0x1p64 ? UInt64(abs(row.bytesPerMinute)) : .max  // a Double past 2^64 traps
            table.rows.append([
                signed(Int64(row.countDelta)), (row.sizeDelta < 0 ? "-" : "+") + ByteFormat.string(row.sizeDelta.magnitude),
                (row.bytesPerMinute < 0 ? "-" : "+") + ByteFormat.string(perMinute),
                String(row.lastCount), row.type + (row.monotonic ? "  ↑ grew every time" : ""),
            ])
        }
        out += rows.isEmpty ? "No type changed.\n" : table.render()
        return out
    }

    /// The `--json` document of a series: every census, then the growth rows.
    public static func seriesJSON(_ series: CensusSeries, top: Int) throws -> String {
        struct Document: Encodable { var censuses: [CensusResult]; var growth: [CensusSeries.Growth] }
        let censuses = series.censuses.map { entry -> CensusResult in
            var trimmed = entry.result
            trimmed.types = Array(trimmed.types.prefix(top))
            return trimmed
        }
        return try JSONOutput.string(Document(censuses: censuses, growth: Array(series.growth().prefix(top))))
    }

    static func signed(_ value: Int64) -> String { value > 0 ? "+\(value)" : String(value) }
}
