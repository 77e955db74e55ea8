public import HeapAnalysis
public import HeapGraph

/// `memlens diff`: what appeared and what was freed, by type.
public enum DiffReport {
    /// The table of the `top` types with the largest size change.
    public static func text(_ diff: HeapDiff, older: String, newer: String, top: Int) -> String {
        let out = "\(older) → \(newer): \(diff.newObjects) new objects, \(diff.freedObjects) freed\n"
        var table = TextTable(headers: ["Δ Count", "Δ Size", "New", "New size", "Freed", "Freed size", "Type"], leftAligned: [6])
        for row in diff.types.prefix(top) {
            table.rows.append([
                signed(row.countDelta), signedBytes(row.sizeDelta), String(row.newCount), ByteFormat.string(row.newSize),
                String(row.freedCount), ByteFormat.string(row.freedSize), row.type,
            ])
        }
        return out + table.render()
    }

    /// `{"new_objects", "freed_objects", "types": [{"type", "count_delta", "size_delta", "new_count", "new_size", "freed_count",
    /// "freed_size"}]}`.
    public static func json(_ diff: HeapDiff, top: Int) throws -> String {
        struct Row: Encodable {
            var type: String
            var count_delta: Int
            var size_delta: Int64
            var new_count: Int
            var new_size: UInt64
            var freed_count: Int
            var freed_size: UInt64
        }
        struct Document: Encodable { var new_objects: Int; var freed_objects: Int; var types: [Row] }
        return try JSONOutput.string(Document(
            new_objects: diff.newObjects, freed_objects: diff.freedObjects,
            types: diff.types.prefix(top).map {
                Row(type: $0.type, count_delta: $0.countDelta, size_delta: $0.sizeDelta, new_count: $0.newCount,
                    new_size: $0.newSize, freed_count: $0.freedCount, freed_size: $0.freedSize)
            }))
    }

    /// Survivors by type, then the first objects with their values.
    public static func survivorsText(_ survivors: Survivors, in graph: HeapGraph, top: Int) -> String {
        let summary = TypeSummary(subset: survivors.objects, of: graph)
        var out = "\(survivors.objects.count) objects created between the first two snapshots are still alive in the third " +
            "(\(ByteFormat.string(summary.totalSizeBytes))).\n"
        var table = TextTable(headers: ["Count", "Size", "Type"], leftAligned: [2])
        for row in summary.types.prefix(top) { table.rows.append([String(row.count), ByteFormat.string(row.size), row.type]) }
        out += table.render()
        let labels = EdgeLabels(graph)
        let shown = survivors.objects.prefix(top)
        if !shown.isEmpty {
            out += "\nFirst \(shown.count):\n"
            for i in shown { out += "  \(labels.object(i)) (\(graph.sizes[i]) B)\n" }
        }
        return out
    }

    /// `{"count", "size", "types": [...], "objects": [{"address", "type", "size"}]}`.
    public static func survivorsJSON(_ survivors: Survivors, in graph: HeapGraph) throws -> String {
        struct Object: Encodable { var address: String; var type: String; var size: UInt64 }
        struct Document: Encodable { var count: Int; var size: UInt64; var types: [TypeStatistics]; var objects: [Object] }
        let summary = TypeSummary(subset: survivors.objects, of: graph)
        return try JSONOutput.string(Document(
            count: survivors.objects.count, size: summary.totalSizeBytes, types: summary.types,
            objects: survivors.objects.map { Object(address: EdgeLabels.hex(graph.addresses[$0]), type: graph.typeName(of: $0),
                size: graph.sizes[$0]) }))
    }

    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : String(value) }

    static func signedBytes(_ value: Int64) -> String {
        (value < 0 ? "-" : value > 0 ? "+" : "") + ByteFormat.string(value.magnitude)
    }
}
