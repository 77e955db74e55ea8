public import HeapAnalysis
import ProcessModels

/// `memlens gc` output: a table per generation, garbage by type, advice.
public enum GCReport {
    public static func text(_ insight: GCInsight, pid: Int32) -> String {
        let observation = insight.observation
        var out = "Python \(observation.python), process \(pid): watched \(ByteFormat.formatDecimal(insight.seconds, places: 1)) s, "
            + "\(insight.totalCollections) collections (garbage typed in \(insight.sampledCollections))\n"
        if observation.lost == true { out += "the watcher had expired before memlens came back: only the GC's state is shown\n" }
        var table = TextTable(headers: ["generation", "objects", "threshold", "count", "per s", "p50 ms", "p99 ms", "max ms", "collected"],
                              leftAligned: [0])
        for row in insight.collections {
            let g = row.generation
            table.rows.append([
                String(g), g < observation.generations.count ? String(observation.generations[g]) : "?",
                g < observation.thresholds.count ? String(observation.thresholds[g]) : "?", String(row.count), decimal(row.perSecond),
                decimal(row.p50Milliseconds, 2), decimal(row.p99Milliseconds, 2), decimal(row.maxMilliseconds, 2), String(row.collected),
            ])
        }
        table.rows.append(["permanent", String(observation.permanent), "", "", "", "", "", "", ""])
        out += "\n" + table.render()
        if let full = observation.fullSeconds {
            out += "\none full collection (--measure-full): \(decimal(full * 1000, 1)) ms, freed " +
                "\(observation.fullCollected ?? 0) objects\n"
        }
        out += "\ncyclic garbage by type (freed by the collector; weak-referenceable types only)\n"
        if insight.garbage.isEmpty {
            out += "  none seen\n"
        } else {
            var garbage = TextTable(headers: ["count", "per s", "type"], leftAligned: [2])
            garbage.rows = insight.garbage.prefix(20).map { [String($0.count), decimal($0.perSecond), $0.type] }
            out += garbage.render()
        }
        out += "\nuncollectable (gc.garbage): \(observation.garbage) objects\n"
        if !insight.uncollectable.isEmpty {
            var uncollectable = TextTable(headers: ["count", "type"], leftAligned: [1])
            uncollectable.rows = insight.uncollectable.prefix(20).map { [String($0.count), $0.type] }
            out += uncollectable.render()
        }
        if !insight.advice.isEmpty {
            out += "\nadvice\n" + insight.advice.map { "  - " + $0.rendered(\.flag) + "\n" }.joined()
        }
        return out
    }

    public static func json(_ insight: GCInsight, pid: Int32) throws -> String {
        struct Generation: Encodable { var objects: Int; var threshold: Int; var count: Int }
        struct Collections: Encodable {
            var generation: Int; var count: Int; var perSecond: Double; var p50Milliseconds: Double; var p99Milliseconds: Double
            var maxMilliseconds: Double; var totalMilliseconds: Double; var collected: Int; var uncollectable: Int

            enum CodingKeys: String, CodingKey {
                case generation, count, collected, uncollectable, perSecond = "per_second"
                case p50Milliseconds = "p50_ms", p99Milliseconds = "p99_ms"
                case maxMilliseconds = "max_ms", totalMilliseconds = "total_ms"
            }
        }
        struct TypeCount: Encodable { var type: String; var count: Int }
        struct Document: Encodable {
            var pid: Int32; var python: String; var seconds: Double; var enabled: Bool
            var thresholds: [Int]; var counts: [Int]; var generations: [Generation]; var permanent: Int
            var collections: [Collections]; var sampledCollections: Int; var totalCollections: Int
            var garbageByType: [TypeCount]; var uncollectableByType: [TypeCount]; var garbage: Int
            var fullCollectionMilliseconds: Double?; var allocationsPerSecond: Double; var advice: [String]

            enum CodingKeys: String, CodingKey {
                case pid, python, seconds, enabled, thresholds, counts, generations, permanent, collections, garbage, advice
                case sampledCollections = "sampled_collections", totalCollections = "total_collections"
                case garbageByType = "garbage_by_type", uncollectableByType = "uncollectable_by_type"
                case fullCollectionMilliseconds = "full_collection_ms", allocationsPerSecond = "allocations_per_second"
            }
        }
        let o = insight.observation
        let generations = o.generations.indices.map { g in
            Generation(objects: o.generations[g], threshold: g < o.thresholds.count ? o.thresholds[g] : 0,
                       count: g < o.counts.count ? o.counts[g] : 0)
        }
        let document = Document(
            pid: pid, python: o.python, seconds: insight.seconds, enabled: o.enabled, thresholds: o.thresholds, counts: o.counts,
            generations: generations, permanent: o.permanent,
            collections: insight.collections.map {
                Collections(generation: $0.generation, count: $0.count, perSecond: $0.perSecond,
                            p50Milliseconds: $0.p50Milliseconds, p99Milliseconds: $0.p99Milliseconds,
                            maxMilliseconds: $0.maxMilliseconds, totalMilliseconds: $0.totalMilliseconds,
                            collected: $0.collected, uncollectable: $0.uncollectable)
            },
            sampledCollections: insight.sampledCollections, totalCollections: insight.totalCollections,
            garbageByType: insight.garbage.map { TypeCount(type: $0.type, count: $0.count) },
            uncollectableByType: insight.uncollectable.map { TypeCount(type: $0.type, count: $0.count) }, garbage: o.garbage,
            fullCollectionMilliseconds: o.fullSeconds.map { $0 * 1000 }, allocationsPerSecond: insight.allocationsPerSecond,
            advice: insight.advice.map { $0.rendered(\.flag) })
        return try JSONOutput.string(document)
    }

    static func decimal(_ value: Double, _ places: Int = 1) -> String { ByteFormat.formatDecimal(value, places: places) }
}
