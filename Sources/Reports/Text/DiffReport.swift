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
            var countDelta: Int
            var sizeDelta: Int64
            var newCount: Int
            var newSize: UInt64
            var freedCount: Int
            var freedSize: UInt64

            enum CodingKeys: String, CodingKey {
                case type, countDelta = "count_delta", sizeDelta = "size_delta", newCount = "new_count", newSize = "new_size"
                case freedCount = "freed_count", freedSize = "freed_size"
            }
        }
        struct Document: Encodable {
            var newObjects: Int; var freedObjects: Int; var types: [Row]

            enum CodingKeys: String, CodingKey {
                case types, newObjects = "new_objects", freedObjects = "freed_objects"
            }
        }
        return try JSONOutput.string(Document(
            newObjects: diff.newObjects, freedObjects: diff.freedObjects,
            types: diff.types.prefix(top).map {
                Row(type: $0.type, countDelta: $0.countDelta, sizeDelta: $0.sizeDelta, newCount: $0.newCount,
                    newSize: $0.newSize, freedCount: $0.freedCount, freedSize: $0.freedSize)
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
