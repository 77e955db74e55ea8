public import HeapAnalysis
public import HeapGraph

/// `memlens cycles`, `dupes` and `suspects`: short reports over one snapshot.
public enum FindingsReport {
    /// Cycles: one row each, with the types of their members.
    public static func cyclesText(_ cycles: Cycles, graph: HeapGraph, labels: EdgeLabels, top: Int) -> String {
        let out = "\(cycles.components.count) reference cycles (strongly connected components of 2 or more objects)\n"
        var table = TextTable(headers: ["Objects", "Size", "Retained", "Types", "For example"], leftAligned: [3, 4])
        for c in cycles.components.prefix(top) {
            table.rows.append([String(c.members.count), ByteFormat.string(c.sizeBytes), ByteFormat.string(c.retainedBytes),
                               typeMix(c, graph: graph), labels.object(c.members[0])])
        }
        return out + table.render()
    }

    /// `{"cycles": [{"objects", "size", "retained", "types": {...}, "addresses": [first 20]}]}`.
    public static func cyclesJSON(_ cycles: Cycles, graph: HeapGraph, top: Int) throws -> String {
        struct Row: Encodable {
            var objects: Int
            var size: UInt64
            var retained: UInt64
            var types: [String: Int]
            var addresses: [String]
        }
        return try JSONOutput.string(["cycles": cycles.components.prefix(top).map { c in
            Row(objects: c.members.count, size: c.sizeBytes, retained: c.retainedBytes,
                types: Dictionary(c.typeCounts(in: graph).map { ($0.type, $0.count) }, uniquingKeysWith: +),
                addresses: c.members.prefix(20).map { EdgeLabels.hex(graph.addresses[$0]) })
        }])
    }

    /// The three commonest types of a cycle, `3 Node, 1 dict, …`.
    static func typeMix(_ cycle: Cycles.Component, graph: HeapGraph) -> String {
        let counts = cycle.typeCounts(in: graph)
        return counts.prefix(3).map { "\($0.count) \($0.type)" }.joined(separator: ", ") + (counts.count > 3 ? ", …" : "")
    }

    /// Duplicate strings, most wasted first.
    public static func dupesText(_ dupes: DuplicateStrings, top: Int) -> String {
        var out = "\(dupes.groups.count) values held more than once, \(ByteFormat.string(dupes.wastedBytes)) in the extra copies"
        out += dupes.uncomparedCount > 0 ? " (\(dupes.uncomparedCount) values longer than recorded were not compared)\n" : "\n"
        var table = TextTable(headers: ["Copies", "Wasted", "Each", "Type", "Value"], leftAligned: [3, 4])
        for g in dupes.groups.prefix(top) {
            table.rows.append([String(g.count), ByteFormat.string(g.wastedBytes), ByteFormat.string(g.sizeBytes), g.type, quoted(g.value)])
        }
        return out + table.render()
    }

    /// `{"wasted": B, "values": [{"type", "value", "count", "size", "wasted"}]}`.
    public static func dupesJSON(_ dupes: DuplicateStrings, top: Int) throws -> String {
        struct Row: Encodable { var type: String; var value: String; var count: Int; var size: UInt64; var wasted: UInt64 }
        struct Document: Encodable { var wasted: UInt64; var uncompared: Int; var values: [Row] }
        return try JSONOutput.string(Document(
            wasted: dupes.wastedBytes, uncompared: dupes.uncomparedCount,
            values: dupes.groups.prefix(top).map { Row(type: $0.type, value: $0.value, count: $0.count, size: $0.sizeBytes,
                wasted: $0.wastedBytes) }))
    }

    static func quoted(_ value: String) -> String {
        let shown = value.prefix(60).map { $0 == "\n" ? "\\n" : String($0) }.joined()
        return "'" + shown + (value.count > 60 ? "…" : "") + "'"
    }

    /// The steps of `path`, a long one shortened to ``EdgeLabels/pathLimit`` objects.
    static func shown(_ path: [Int]?, _ labels: EdgeLabels) -> [String]? {
        path.map { labels.steps($0, limit: EdgeLabels.pathLimit) }
    }

    /// Suspects, each with a path from a root (a long one shortened, saying how much).
    public static func suspectsText(_ suspects: LeakSuspects, graph: HeapGraph, labels: EdgeLabels, paths: PathFinder) -> String {
        var out = ""
        if suspects.accumulations.isEmpty {
            out += "No single object retains 10% or more of the heap.\n"
        }
        for (n, s) in suspects.accumulations.enumerated() {
            out += "Suspect \(n + 1): \(labels.object(s.object)) retains \(ByteFormat.string(s.retainedBytes)) "
            out += "(\(Int((s.share * 100).rounded()))% of the heap)\n"
            out += "  " + (shown(paths.path(to: s.object), labels)?.joined(separator: " → ") ?? "(no root reaches it)") + "\n"
        }
        if !suspects.growing.isEmpty {
            out += "\nTypes that grew since the older snapshot:\n"
            var table = TextTable(headers: ["Δ Count", "Δ Size", "Type", "A new one is held by"], leftAligned: [2, 3])
            for g in suspects.growing.prefix(10) {
                let path = shown(g.example.flatMap { paths.path(to: $0) }, labels)?.joined(separator: " → ") ?? "-"
                table.rows.append(["+\(g.countDelta)", ByteFormat.string(UInt64(max(g.sizeDelta, 0))), g.type, path])
            }
            out += table.render()
        }
        return out
    }

    /// `{"accumulations": [{"address", "type", "retained", "share", "path"}], "growing": [{"type", "count_delta", "size_delta", "path"}]}`.
    public static func suspectsJSON(_ suspects: LeakSuspects, graph: HeapGraph, labels: EdgeLabels, paths: PathFinder) throws -> String {
        struct Accumulation: Encodable {
            var address: String
            var type: String
            var retained: UInt64
            var share: Double
            var path: [String]
        }
        struct Growth: Encodable {
            var type: String; var countDelta: Int; var sizeDelta: Int64; var path: [String]

            enum CodingKeys: String, CodingKey {
                case type, path, countDelta = "count_delta", sizeDelta = "size_delta"
            }
        }
        struct Document: Encodable { var accumulations: [Accumulation]; var growing: [Growth] }
        return try JSONOutput.string(Document(
            accumulations: suspects.accumulations.map {
                Accumulation(address: EdgeLabels.hex(graph.addresses[$0.object]), type: graph.typeName(of: $0.object),
                             retained: $0.retainedBytes, share: $0.share, path: shown(paths.path(to: $0.object), labels) ?? [])
            },
            growing: suspects.growing.prefix(20).map {
                Growth(type: $0.type, countDelta: $0.countDelta, sizeDelta: $0.sizeDelta,
                       path: shown($0.example.flatMap { paths.path(to: $0) }, labels) ?? [])
            }))
    }
}
