public import HeapAnalysis

extension PinnerHolders {
    /// The text section: one line per holder, `top` at most; `unit` names what ``Row/arenas`` counts.
    public func text(top: Int, unit: String = "arena") -> String {
        let total = found + missing
        let counted = missing == 0 ? "\(found) pinning objects" : "\(found) of \(total) pinned objects found"
        var out = "Where the pinners are held (\(source): \(counted)"
            + (unreachable > 0 ? ", \(unreachable) unreachable" : "") + "):\n"
        if let otherPid { out += "  note: the snapshot is of process \(otherPid); addresses only match within one process\n" }
        if found == 0 {
            out += "  none: take the snapshot while the process holds them (memlens snapshot PID), then run frag again\n"
            return out
        }
        for row in rows.prefix(top) {
            let where_ = row.path.isEmpty ? "roots themselves" : row.path.joined(separator: " → ")
            out += FragReport.pad(String(row.objects), 9) + " " + row.type
                + " in \(row.arenas) \(unit)\(row.arenas == 1 ? "" : "s"), held by " + where_ + "\n"
        }
        if rows.count > top { out += "  … and \(rows.count - top) more holders (--top, or --json for all)\n" }
        return out
    }
}
