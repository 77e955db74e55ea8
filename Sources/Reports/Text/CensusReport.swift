public import ProcessModels

/// `memlens census PID`: objects by type from a read-only census, the
/// collector's generations and what looking cost.
public enum CensusReport {
    /// Header lines, the generations, and the `top` largest types.
    public static func text(_ census: CensusResult, top: Int) -> String {
        var out = "Python \(census.python), pid \(census.pid): \(census.objects) GC-tracked objects, "
            + "\(ByteFormat.string(census.totalSize)) (sys.getsizeof), \(census.threads) Python thread"
            + (census.threads == 1 ? "" : "s") + ", \(census.osThreads) OS thread" + (census.osThreads == 1 ? "" : "s") + "\n"
        if let core = census.coreFile {
            out += "Read from core file \(core): \(ByteFormat.string(census.copiedBytes)) of memory; "
        } else {
            out += "Paused \(ByteFormat.formatDecimal(census.pauseMilliseconds, places: 1)) ms to copy "
                + "\(ByteFormat.string(census.copiedBytes)); "
        }
        out += "walked in \(ByteFormat.formatDecimal(census.walkMilliseconds, places: 1)) ms"
            + (census.attempts > 1 ? " (\(census.attempts) tries: the collector was running)" : "") + "\n"
        let generations = census.generations.enumerated().map { index, g in
            "gen\(index) \(g.objects) objects (count \(g.count)/\(g.threshold))"
        }
        out += "GC: " + generations.joined(separator: ", ") + ", permanent (gc.freeze) \(census.permanentObjects) objects, "
            + ByteFormat.string(census.permanentSize) + (census.includesFrozen ? " (counted below)" : " (not counted below; " +
                "--frozen)") + "\n"
        if let arenas = census.arenas {
            out += "pymalloc: \(arenas.count) arena" + (arenas.count == 1 ? "" : "s") + ", \(ByteFormat.string(arenas.bytes)), "
                + "\(ByteFormat.string(arenas.usedBytes)) in allocated blocks (\(percent(arenas.usedBytes, of: arenas.bytes))%)\n"
        }
        out += "\n"
        var table = TextTable(headers: ["Count", "%", "Size", "%", "Type"], leftAligned: [4])
        var approximate = false
        for row in census.types.prefix(top) {
            approximate = approximate || !row.exact
            table.rows.append([
                String(row.count), percent(UInt64(row.count), of: UInt64(census.objects)),
                ByteFormat.string(row.size), percent(row.size, of: census.totalSize),
                row.type + (row.exact ? "" : " ~"),
            ])
        }
        out += table.render()
        out += moreLine(census.types.count, shown: top, "types")
        if approximate { out += "~ size approximate: the type has a __sizeof__ memlens does not model\n" }
        for note in census.notes { out += "note: \(note)\n" }
        return out
    }

    /// The `--json` document: every field of ``CensusResult``, `types` cut to `top`.
    public static func json(_ census: CensusResult, top: Int?) throws -> String {
        var trimmed = census
        if let top { trimmed.types = Array(census.types.prefix(top)) }
        return try JSONOutput.string(trimmed)
    }
}
