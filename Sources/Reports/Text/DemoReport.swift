public import HeapAnalysis
public import HeapGraph

/// One snapshot of the demo, with its summary.
public struct DemoStage {
    public var name: String
    public var path: String
    public var graph: HeapGraph
    public var summary: TypeSummary

    public init(name: String, path: String, graph: HeapGraph, summary: TypeSummary) {
        self.name = name
        self.path = path
        self.graph = graph
        self.summary = summary
    }
}

/// What `memlens demo` prints: each stage's objects against its RSS.
public enum DemoReport {
    /// The stages side by side, then the conclusion.
    public static func text(_ stages: [DemoStage]) -> String {
        var out = ""
        var table = TextTable(headers: ["Stage", "Objects", "Object bytes", "RSS", "RSS − objects", "Largest type"], leftAligned: [0, 5])
        for stage in stages {
            let rss = stage.graph.metadata.rssBytes ?? 0
            let top = stage.summary.types.first.map { "\($0.type) (\(ByteFormat.string($0.size)))" } ?? "-"
            table.rows.append([
                stage.name, String(stage.summary.objectCount), ByteFormat.string(stage.summary.totalSizeBytes),
                ByteFormat.string(rss), ByteFormat.string(rss > stage.summary.totalSizeBytes ? rss - stage.summary.totalSizeBytes : 0), top,
            ])
        }
        out += table.render() + "\n"
        for stage in stages {
            out += "Top types at \(stage.name) (\(stage.path)):\n"
            var types = TextTable(headers: ["Count", "Size", "Kind"], leftAligned: [2])
            for row in stage.summary.types.prefix(5) {
                types.rows.append([String(row.count), ByteFormat.string(row.size), row.type])
            }
            out += types.render() + "\n"
        }
        if let peak = stages.first, let after = stages.last, stages.count > 1 {
            let (peakBytes, afterBytes) = (peak.summary.totalSizeBytes, after.summary.totalSizeBytes)
            let freed = peakBytes > afterBytes ? peakBytes - afterBytes : 0
            let peakRSS = peak.graph.metadata.rssBytes ?? 0, afterRSS = after.graph.metadata.rssBytes ?? 0
            let returned = peakRSS > afterRSS ? peakRSS - afterRSS : 0
            out += "The program freed \(ByteFormat.string(freed)) of objects, but RSS fell by only \(ByteFormat.string(returned)):\n"
            out += "\(ByteFormat.string(afterRSS > after.summary.totalSizeBytes ? afterRSS - after.summary.totalSizeBytes : 0)) stays " +
                "resident with no live object in it. "
            out += "That is fragmentation: the allocator keeps memory\nthat a few survivors pin, or that it has not returned to the OS.\n"
        }
        return out
    }

    /// The `--json` form: one entry per stage, and the path of the HTML report when one was written.
    public static func json(_ stages: [DemoStage], reportPath: String? = nil) throws -> String {
        struct Stage: Encodable {
            var stage: String
            var path: String
            var objects: Int
            var totalSize: UInt64
            var rss: UInt64?
            var types: [TypeStatistics]

            enum CodingKeys: String, CodingKey {
                case stage, path, objects, rss, types, totalSize = "total_size"
            }
        }
        struct Document: Encodable {
            var stages: [Stage]
            var report: String?
        }
        return try JSONOutput.string(Document(stages: stages.map {
            Stage(stage: $0.name, path: $0.path, objects: $0.summary.objectCount, totalSize: $0.summary.totalSizeBytes,
                  rss: $0.graph.metadata.rssBytes, types: Array($0.summary.types.prefix(20)))
        }, report: reportPath))
    }
}
