public import ProcFS

/// `memlens footprint --children`: a process and its descendants, and the
/// tree's total PSS (shared pages counted once across the tree).
public enum FootprintTreeReport {
    public static func text(_ members: [TreeMember], skipped: [Int32]) -> String {
        var table = TextTable(headers: ["PID", "PPID", "RSS", "PSS", "USS", "Writable", "Swap", "Maps", "Name"], leftAligned: [8])
        var sum = MemoryCounters()
        for member in members {
            let t = member.footprint.totals
            sum.add(t)
            table.rows.append([String(member.link.pid), String(member.link.parentPID)]
                + [t.rssBytes, t.pssBytes, t.ussBytes, t.writableBytes, t.swapBytes].map(ByteFormat.string)
                + [member.mappingCount.map(String.init) ?? "?"]
                + [String(repeating: "  ", count: member.link.depth) + member.footprint.status.name])
        }
        table.rows.append(["total", ""] + [sum.rssBytes, sum.pssBytes, sum.ussBytes, sum.writableBytes,
            sum.swapBytes].map(ByteFormat.string) + ["", ""])
        let root = members.first?.link.pid ?? 0
        var out = "Process \(root) and \(members.count - 1) descendant\(members.count == 2 ? "" : "s"):\n" + table.render()
        out += "\nTotal PSS \(ByteFormat.string(sum.pssBytes)) (\(sum.pssBytes) bytes): what the tree costs, shared pages counted once.\n"
        out += "Σ RSS \(ByteFormat.string(sum.rssBytes)) counts shared pages once per process; Σ USS \(ByteFormat.string(sum.ussBytes)) " +
            "leaves them out.\n"
        if !skipped.isEmpty {
            out += "Exited during the walk (not counted): " + skipped.map(String.init).joined(separator: ", ") + "\n"
        }
        return out
    }

    struct Row: Encodable {
        var pid: Int32, ppid: Int32, depth: Int, name: String
        var rss: UInt64, pss: UInt64, uss: UInt64, writable: UInt64, swap: UInt64
        var mappings: Int?
    }
    struct Document: Encodable {
        var root: Int32
        var totalPss: UInt64, totalUss: UInt64, totalRss: UInt64, totalSwap: UInt64
        var processes: [Row]
        var exited: [Int32]

        enum CodingKeys: String, CodingKey {
            case root, processes, exited, totalPss = "total_pss", totalUss = "total_uss", totalRss = "total_rss"
            case totalSwap = "total_swap"
        }
    }

    /// `{"root", "total_pss", "total_uss", "total_rss", "total_swap",
    /// "processes": [{"pid", "ppid", "depth", "name", "rss", "pss", "uss", "writable", "swap", "mappings"}], "exited": [pid]}`.
    public static func json(_ members: [TreeMember], skipped: [Int32]) throws -> String {
        var sum = MemoryCounters()
        let rows = members.map { member -> Row in
            let t = member.footprint.totals
            sum.add(t)
            return Row(pid: member.link.pid, ppid: member.link.parentPID, depth: member.link.depth, name: member.footprint.status.name,
                       rss: t.rssBytes, pss: t.pssBytes, uss: t.ussBytes, writable: t.writableBytes, swap: t.swapBytes,
                       mappings: member.mappingCount)
        }
        return try JSONOutput.string(Document(
            root: members.first?.link.pid ?? 0, totalPss: sum.pssBytes, totalUss: sum.ussBytes,
            totalRss: sum.rssBytes, totalSwap: sum.swapBytes, processes: rows, exited: skipped
        ))
    }
}
