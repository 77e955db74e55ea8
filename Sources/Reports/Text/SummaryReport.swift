import Foundation
public import HeapGraph
public import HeapAnalysis
import ProcessModels

/// `memlens summary`: a meliae-style table by type, and its JSON form.
public enum SummaryReport {
    /// The header lines and the table of the `top` largest types.
    public static func text(_ summary: TypeSummary, metadata: SnapshotMetadata, path: String, top: Int) -> String {
        var out = header(metadata: metadata, path: path)
        out += "Total \(summary.objectCount) objects, \(summary.types.count) types, "
            + "Total size = \(ByteFormat.string(summary.totalSizeBytes)) (\(summary.totalSizeBytes) bytes)\n"
        var table = TextTable(headers: ["Index", "Count", "%", "Size", "%", "Cum", "%", "Max", "Kind"], leftAligned: [8])
        var cumulative: UInt64 = 0
        for (index, row) in summary.types.prefix(top).enumerated() {
            cumulative = cumulative.addingSaturated(row.size)
            table.rows.append([
                String(index), String(row.count), percent(UInt64(row.count), of: UInt64(summary.objectCount)),
                String(row.size), percent(row.size, of: summary.totalSizeBytes),
                String(cumulative), percent(cumulative, of: summary.totalSizeBytes),
                String(row.max), row.type + (row.approximate == true ? " ~" : ""),
            ])
        }
        out += table.render()
        if summary.types.prefix(top).contains(where: { $0.approximate == true }) {
            out += "~ sizes approximate: tp_basicsize + items (the type's own __sizeof__ is not modelled by the read-only walk)\n"
        }
        out += moreLine(summary.types.count, shown: top, "types")
        return out
    }

    /// Lines describing where the snapshot came from.
    public static func header(metadata: SnapshotMetadata, path: String) -> String {
        var parts: [String] = []
        if let python = metadata.python { parts.append("Python \(python)") }
        if let pid = metadata.pid { parts.append("pid \(pid)") }
        if let time = metadata.time {
            let date = Date(timeIntervalSince1970: time)
            parts.append(ISO8601DateFormatter().string(from: date))
        }
        if let rss = metadata.rssBytes { parts.append("RSS \(ByteFormat.string(rss)) at dump") }
        var out = "Snapshot \(path)" + (metadata.source == "meliae" ? " (meliae dump)" : "") + "\n"
        if !parts.isEmpty { out += parts.joined(separator: ", ") + "\n" }
        if let argv = metadata.argv, !argv.isEmpty { out += "Command: " + argv.joined(separator: " ") + "\n" }
        if metadata.method == "read-only" {
            out += "Read from outside (no code run in the process)"
                + (metadata.pauseMilliseconds.map { String(format: "; paused %.0f ms", $0) } ?? "")
                + (metadata.conservativeObjects.map { "; \($0) objects' referents by a conservative scan" } ?? "")
                + approximateNote(metadata) + "\n"
        }
        return out
    }

    /// "; N objects (B) of approximate size" when a read-only snapshot has any.
    private static func approximateNote(_ metadata: SnapshotMetadata) -> String {
        guard let objects = metadata.approximateSizes, objects > 0 else { return "" }
        return "; \(objects) objects" + (metadata.approximateBytes.map { " (\(ByteFormat.string($0)))" } ?? "") + " of approximate size"
    }

    /// The `--json` document: `{"objects", "total_size", "python", "approximate_objects"?, "approximate_bytes"?,
    /// "types": [{"type", "count", "size", "max", "approximate"?}]}` (read-only snapshots say how many objects, and
    /// how many bytes, have an approximate size).
    public static func json(_ summary: TypeSummary, metadata: SnapshotMetadata, top: Int?) throws -> String {
        struct Row: Encodable { var type: String; var count: Int; var size: UInt64; var max: UInt64; var approximate: Bool? }
        struct Document: Encodable {
            var objects: Int
            var totalSize: UInt64
            var python: String?
            var pid: Int?
            var rss: UInt64?
            var approximateObjects: Int?
            var approximateBytes: UInt64?
            var types: [Row]

            enum CodingKeys: String, CodingKey {
                case objects, python, pid, rss, types, totalSize = "total_size", approximateObjects = "approximate_objects"
                case approximateBytes = "approximate_bytes"
            }
        }
        let rows = summary.types.prefix(top ?? Int.max).map { Row(type: $0.type, count: $0.count, size: $0.size, max: $0.max,
            approximate: $0.approximate) }
        let document = Document(
            objects: summary.objectCount, totalSize: summary.totalSizeBytes, python: metadata.python,
            pid: metadata.pid, rss: metadata.rssBytes, approximateObjects: metadata.approximateSizes,
            approximateBytes: metadata.approximateBytes, types: Array(rows)
        )
        return try JSONOutput.string(document)
    }
}
