public import Fragmentation

/// An SVG map of the arenas: one row per arena (in address order), one cell
/// per pool coloured by how full it is, pinned arenas marked red on the left.
/// Self-contained (no script, no external style), so it embeds in HTML.
public enum FragSVG {
    static let cell = 6, row = 5, left = 16, top = 46
    /// Fill for never-touched and empty pools, then used pools by fullness (fifths).
    static let untouched = "#f4f4f4", empty = "#d6e9f8"
    static let used = ["#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"]

    /// The map of `analysis`'s arenas.
    public static func svg(_ analysis: FragAnalysis) -> String {
        let map = analysis.arenas
        let layout = map.layout
        let pinned = Set(analysis.pinning.arenas)
        let order = map.arenas.indices.sorted { map.arenas[$0].address < map.arenas[$1].address }
        let pools = map.arenas.map(\.pools.count).max() ?? Int(layout.poolsPerArena)
        let width = left + pools * cell + 200
        let height = top + max(order.count, 1) * row + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" " +
            "font-size=\"11\">\n"
        out += "<title>pymalloc arenas of process \(analysis.pid) (Python \(analysis.python))</title>\n"
        out += "<text x=\"4\" y=\"14\">\(map.arenas.count) arenas × \(ByteFormat.string(layout.arenaBytes)), \(pinned.count) pinned "
            + "(≤ \(Int((analysis.pinning.threshold * 100).rounded()))% used, marked red); one row per arena, one cell per " +
                "\(ByteFormat.string(layout.poolBytes)) pool</text>\n"
        var x = 4
        for (label, colour) in [("untouched", untouched), ("empty", empty), ("≤20%", used[0]), ("≤40%", used[1]), ("≤60%", used[2]),
            ("≤80%", used[3]), ("full", used[4])] {
            out += "<rect x=\"\(x)\" y=\"22\" width=\"10\" height=\"10\" fill=\"\(colour)\" stroke=\"#999\" stroke-width=\"0.5\"/>"
            out += "<text x=\"\(x + 13)\" y=\"31\">\(label)</text>\n"
            x += 22 + label.count * 7
        }
        for (y, index) in order.enumerated() {
            let arena = map.arenas[index]
            let top = Self.top + y * row
            if pinned.contains(index) {
                out += "<rect x=\"2\" y=\"\(top)\" width=\"10\" height=\"\(row - 1)\" fill=\"#d7301f\"><title>pinned: " +
                    "0x\(String(arena.address, radix: 16)), "
                    + "\(arena.usedBlocks) blocks in use</title></rect>\n"
            }
            // Runs of pools with the same colour become one rectangle.
            var start = 0
            while start < arena.pools.count {
                let colour = fill(arena.pools[start], layout: layout)
                var end = start + 1
                while end < arena.pools.count, fill(arena.pools[end], layout: layout) == colour { end += 1 }
                out += "<rect x=\"\(left + start * cell)\" y=\"\(top)\" width=\"\((end - start) * cell)\" height=\"\(row - 1)\" " +
                    "fill=\"\(colour)\"/>"
                start = end
            }
            out += "\n"
        }
        return out + "</svg>\n"
    }

    static func fill(_ pool: Pool, layout: ObmallocLayout) -> String {
        switch pool.state {
        case .untouched: return untouched
        case .empty: return empty
        case .used:
            let capacity = layout.blocksPerPool(sizeClass: UInt32(pool.sizeClass))
            let fraction = Double(pool.usedBlocks) / Double(max(capacity, 1))
            return used[min(4, Int(fraction * 5))]
        }
    }
}
