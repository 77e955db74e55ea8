public import Fragmentation
import ProcessModels

extension FragReport {
    /// USS split into objects, the native memory they own (by type), allocator slack and the
    /// interpreter and libraries, with what none of them explains.
    static func ussAccount(_ c: MemoryAccount) -> String {
        let o = c.owned
        var out = ""
        if let note = o.note { out += "Native memory owned by objects: unknown, \(note).\n\n" }
        if o.walked {
            out += "Native memory owned by objects: \(size(o.bytes)) in glibc chunks and mmapped regions, each counted once\n"
                + "(\(o.objectCount) objects walked from a copy; the process stopped \(Int(o.pauseMilliseconds.rounded())) ms for it)\n"
            let rows = o.rows.prefix(12)
            let width = rows.map(\.type.count).max() ?? 0
            for row in rows {
                out += "  " + padRight(row.type, width) + "  " + pad(size(row.bytes), 10) + "  \(row.blocks) blocks\n"
            }
            if o.rows.count > rows.count {
                out += "  \(o.rows.count - rows.count) more types: \(size(o.rows.dropFirst(rows.count).map(\.bytes).saturatedSum()))\n"
            }
            out += "\n"
        }
        guard c.ussBytes > 0 else { return out }
        let share = { (bytes: UInt64) in ByteFormat.formatDecimal(Double(bytes) / Double(c.ussBytes) * 100, places: 1) + "%" }
        var rows: [(String, UInt64, String)] = [
            ("USS", c.ussBytes, "private memory (smaps_rollup), the truth"),
            ("  objects", c.objectBytes, "pymalloc's used blocks, and the chunks and regions objects own"),
            ("  allocator slack", c.slackBytes, "free blocks and empty pools in arenas, glibc's free chunks"),
            ("  interpreter and libraries", c.interpreterBytes, "their files' private pages \(size(c.librariesBytes)), "
                + "stacks \(size(c.stackBytes)), malloc's memory no object owns \(size(c.otherNativeBytes))"),
            ("  unexplained", c.ussUnexplainedBytes, "none of the above"),
        ]
        if c.ussOvercountBytes > 0 {
            rows.append(("  counted twice", c.ussOvercountBytes, "the parts exceed USS by this (shared anonymous pages)"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        out += rows.map { row in
            padRight(row.0, width) + "  " + pad(size(row.1), 10) + "  " + pad(share(row.1), 6) + "  " + row.2 + "\n"
        }.joined()
        return out
    }
}
