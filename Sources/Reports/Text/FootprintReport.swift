public import ProcFS

/// `memlens footprint`: the seed's mem_usage table, the totals, and a
/// breakdown by kind, library or mapping; and the `--json` document.
public enum FootprintReport {
    /// How the text report breaks memory down.
    public enum Breakdown: String, Sendable, CaseIterable {
        case kind, library, mapping
    }

    /// The full text report (`--totals`: the totals only).
    public static func text(_ footprint: Footprint, by breakdown: Breakdown, top: Int) -> String {
        var out = "Process \(footprint.pid) (\(footprint.status.name.isEmpty ? footprint.stat.name : footprint.status.name))"
            + ", \(footprint.status.threads) thread\(footprint.status.threads == 1 ? "" : "s")"
            + (footprint.mappings.map { ", \($0.mappings.count) mapping\($0.mappings.count == 1 ? "" : "s")" } ?? "") + "\n"
        if let table = footprint.mappings {
            out += "\n" + permissionTable(table) + "\n"
        }
        out += totals(footprint)
        guard let table = footprint.mappings else { return out }
        out += "\n"
        switch breakdown {
        case .kind: out += kindTable(table)
        case .library: out += libraryTable(table, top: top)
        case .mapping: out += mappingTable(table, top: top)
        }
        return out
    }

    /// RSS, PSS, USS, swap, writable, peak RSS and page faults, one per line.
    public static func totals(_ footprint: Footprint) -> String {
        let t = footprint.totals
        var table = TextTable(headers: ["", "", ""], leftAligned: [0, 2])
        table.rows = [
            ["RSS", ByteFormat.string(t.rssBytes), "resident"],
            ["PSS", ByteFormat.string(t.pssBytes),
                footprint.totalsFromRollup ? "proportional share (smaps_rollup)" : "proportional share (Σ smaps, rounded down)"],
            ["USS", ByteFormat.string(t.ussBytes), "private clean + private dirty: freed if the process exits"],
            ["Writable", ByteFormat.string(t.writableBytes), "Σ Private_Dirty"],
            ["Swap", ByteFormat.string(t.swapBytes), "SwapPss " + ByteFormat.string(t.swapPssBytes)],
            ["Peak RSS", ByteFormat.string(footprint.status.peakRSSBytes), "VmHWM"],
            ["Faults", "\(footprint.stat.minorFaults) minor", "\(footprint.stat.majorFaults) major"],
        ]
        // Drop the empty header line TextTable renders first.
        return table.render().split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            .map { $0.trimmingTrailingSpaces() }.joined(separator: "\n")
    }

    /// The seed's table (KiB): mapped, then anonymous memory, rows by permissions.
    public static func permissionTable(_ table: MappingTable) -> String {
        let rows = table.byPermissions()
        var out = ""
        var grand = MemoryCounters()
        for mapped in [true, false] {
            out += mapped ? "Mapped memory (KiB):\n" : "Anonymous memory (KiB):\n"
            var text = TextTable(headers: ["", "Shared clean", "Shared dirty", "Private clean", "Private dirty", ""], leftAligned: [0, 5])
            var total = MemoryCounters()
            for row in rows where row.mapped == mapped {
                total.add(row.usage)
                text.rows.append(cells(row.permissions.text, row.usage) + [label(row.permissions, mapped: mapped)])
            }
            text.rows.append(cells("total", total) + [""])
            grand.add(total)
            out += indent(text.render())
        }
        var text = TextTable(headers: ["", "Shared clean", "Shared dirty", "Private clean", "Private dirty"], leftAligned: [0])
        text.rows.append(cells("total", grand))
        out += indent(String(text.render().drop { $0 != "\n" }.dropFirst()))
        return out
    }

    private static func cells(_ title: String, _ c: MemoryCounters) -> [String] {
        [title, String(c.sharedCleanBytes / 1024), String(c.sharedDirtyBytes / 1024), String(c.privateCleanBytes / 1024),
            String(c.privateDirtyBytes / 1024)]
    }

    private static func label(_ p: Permissions, mapped: Bool) -> String {
        switch p.text {
        case "r-xp": return "-- Code"
        case "rw-p": return mapped ? "-- Data" : "-- Data (malloc, mmap)"
        case "r--p": return "-- Read-only data"
        default: return p.shared ? "-- Shared" : ""
        }
    }

    /// One row per ``MemoryKind`` present, largest PSS first.
    public static func kindTable(_ table: MappingTable) -> String {
        let kinds = table.byKindLargestFirst()
        var text = TextTable(headers: ["Kind", "RSS", "PSS", "Private clean", "Private dirty", "Swap"], leftAligned: [0])
        for (kind, c) in kinds {
            text.rows.append([kind.title] + sizes(c.rssBytes, c.pssBytes, c.privateCleanBytes, c.privateDirtyBytes, c.swapBytes))
        }
        return "By kind:\n" + text.render()
    }

    /// Mapped files, most private memory first.
    public static func libraryTable(_ table: MappingTable, top: Int) -> String {
        let libraries = table.byLibrary()
        var text = TextTable(headers: ["Private", "PSS", "RSS", "Writable", "Maps", "Path"], leftAligned: [5])
        for lib in libraries.prefix(top) {
            let c = lib.usage
            text.rows.append(sizes(c.ussBytes, c.pssBytes, c.rssBytes, c.privateDirtyBytes) + [String(lib.mappingCount), lib.path])
        }
        var out = "By library (mapped files, most private memory first):\n" + text.render()
        out += moreLine(libraries.count, shown: top, "files")
        return out
    }

    /// The mappings holding the most private memory.
    public static func mappingTable(_ table: MappingTable, top: Int) -> String {
        let kinds = table.kinds()
        let order = table.mappingsByPrivateMemory()
        var text = TextTable(headers: ["Address", "Perms", "Size", "RSS", "PSS", "Private", "Kind", "Path"], leftAligned: [0, 1, 6, 7])
        for index in order.prefix(top) {
            let m = table.mappings[index], c = m.usage
            text.rows.append(["\(hex(m.start))-\(hex(m.end))", m.permissions.text]
                + sizes(m.sizeBytes, c.rssBytes, c.pssBytes, c.ussBytes) + [kinds[index].rawValue, table.path(of: m)])
        }
        var out = "Mappings (most private memory first):\n" + text.render()
        out += moreLine(order.count, shown: top, "mappings")
        return out
    }

    private static func sizes(_ values: UInt64...) -> [String] { values.map(ByteFormat.string) }
    private static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
    private static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " +
            "" + $0.trimmingTrailingSpaces() }.joined(separator: "\n")
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
