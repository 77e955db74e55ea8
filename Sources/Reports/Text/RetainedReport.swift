public import HeapAnalysis
public import HeapGraph

/// `memlens retained`: the objects (or types) that keep the most memory alive.
public enum RetainedReport {
    /// The table of objects, each with its dominator chain.
    public static func objectsText(_ graph: HeapGraph, _ sizes: RetainedSizes, objects: [Int]) -> String {
        let labels = EdgeLabels(graph)
        var table = TextTable(headers: ["Retained", "Size", "Object", "Held by"], leftAligned: [2, 3])
        for i in objects {
            let chain = sizes.dominators(of: i, limit: 3).map(labels.object)
            table.rows.append([
                ByteFormat.string(sizes.retainedBytes[i]), ByteFormat.string(graph.sizes[i]),
                labels.object(i), chain.isEmpty ? "(root)" : "← " + chain.joined(separator: " ← "),
            ])
        }
        return header(graph, sizes) + table.render()
    }

    /// The table by type.
    public static func typesText(_ graph: HeapGraph, _ sizes: RetainedSizes, top: Int) -> String {
        var table = TextTable(headers: ["Count", "Retained", "Type"], leftAligned: [2])
        for row in sizes.byType(graph).prefix(top) {
            table.rows.append([String(row.count), ByteFormat.string(row.retained), row.type])
        }
        return header(graph, sizes) + table.render()
    }

    static func header(_ graph: HeapGraph, _ sizes: RetainedSizes) -> String {
        var line = "Retained sizes over \(graph.count) objects (\(ByteFormat.string(graph.totalSizeBytes)))"
        if sizes.tree.unreachableCount > 0 {
            line += "; \(sizes.tree.unreachableCount) objects not reachable from a root were treated as roots"
        }
        return line + "\n"
    }

    /// `{"objects": [{"address", "type", "size", "retained", "dominators"}]}`.
    public static func objectsJSON(_ graph: HeapGraph, _ sizes: RetainedSizes, objects: [Int]) throws -> String {
        struct Row: Encodable {
            var address: String
            var type: String
            var size: UInt64
            var retained: UInt64
            var dominators: [String]
        }
        let rows = objects.map {
            Row(address: EdgeLabels.hex(graph.addresses[$0]), type: graph.typeName(of: $0), size: graph.sizes[$0],
                retained: sizes.retainedBytes[$0], dominators: sizes.dominators(of: $0).map { EdgeLabels.hex(graph.addresses[$0]) })
        }
        return try JSONOutput.string(["objects": rows])
    }

    /// `{"types": [{"type", "count", "retained"}]}`.
    public static func typesJSON(_ graph: HeapGraph, _ sizes: RetainedSizes, top: Int) throws -> String {
        struct Row: Encodable { var type: String; var count: Int; var retained: UInt64 }
        return try JSONOutput.string(["types": sizes.byType(graph).prefix(top).map { Row(type: $0.type, count: $0.count,
            retained: $0.retained) }])
    }
}
