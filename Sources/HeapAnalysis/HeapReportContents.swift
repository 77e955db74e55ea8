public import HeapGraph

/// Everything the HTML report shows, computed once: the treemap, types with
/// their retained sizes, the largest retainers with their paths, the
/// findings, and for two snapshots what grew, what survived and what was freed.
/// Only the top of each list is kept, so the page stays small for any heap.
public struct HeapReportContents: Sendable {
    /// An object with the labelled path to it from a root.
    public struct Retainer: Sendable {
        public var object: Int
        public var retainedBytes: UInt64
        /// `module __main__ → ['cache'] → dict 0x… → …`, root first.
        public var steps: [String]
    }

    public struct TypeRow: Sendable {
        public var type: String
        public var count: Int
        public var sizeBytes: UInt64
        /// Objects of this type that no object of the same type dominates, summed.
        public var retainedBytes: UInt64
    }

    /// New objects of one type, by where they are held.
    public struct SurvivorGroup: Sendable {
        public var type: String
        public var count: Int
        public var sizeBytes: UInt64
        /// The most common ways they are held: an example path to a holder, and how many
        /// of the examined new objects are held along paths through the same types.
        public var holders: [(steps: [String], count: Int)]
        /// How many new objects of the type were examined for holders.
        public var examined: Int
    }

    public struct Growth: Sendable {
        public var growth: OwnedGrowth
        public var diff: HeapDiff
        public var survivors: [SurvivorGroup]
        /// Types with freed objects, most bytes first.
        public var freed: [TypeDelta]
        public var olderObjects: Int
        public var olderBytes: UInt64
    }

    public let graph: HeapGraph
    public let treemap: RetainedTreemap
    public let types: [TypeRow]
    public let retainers: [Retainer]
    public let suspects: [Retainer]
    public let cycles: [Cycles.Component]
    public let cycleCount: Int
    public let duplicates: DuplicateStrings
    public let growth: Growth?
    /// Objects no root reaches (treated as roots).
    public let unreachableCount: Int

    /// Analyses `graph` (and its growth since `older`); the treemap is laid out in `canvas`.
    public init(_ graph: HeapGraph, older: HeapGraph? = nil, canvas: LayoutRect, topRetainers: Int = 20) {
        self.graph = graph
        let sizes = RetainedSizes(graph)
        unreachableCount = sizes.tree.unreachableCount
        treemap = RetainedTreemap(graph, sizes: sizes, canvas: canvas)
        let summary = TypeSummary(graph)
        let retainedByType = Dictionary(sizes.byType(graph).map { ($0.type, $0.retained) }, uniquingKeysWith: { a, _ in a })
        types = summary.types.map { TypeRow(type: $0.type, count: $0.count, sizeBytes: $0.size,
            retainedBytes: retainedByType[$0.type] ?? 0) }
            .sorted { ($0.retainedBytes, $0.sizeBytes, $1.type) > ($1.retainedBytes, $1.sizeBytes, $0.type) }
        let top = TopDominators(sizes, top: topRetainers).objects
        let leak = LeakSuspects(graph, retained: sizes)
        let suspectObjects = leak.accumulations.prefix(10).map(\.object)
        let cycles = Cycles(graph, retained: sizes)
        cycleCount = cycles.components.count
        self.cycles = Array(cycles.components.prefix(10))
        duplicates = DuplicateStrings(graph)

        var growth: Growth?
        var survivorSample: [Int] = []
        if let older {
            let diff = HeapDiff(older: older, newer: graph)
            let owned = OwnedGrowth(older: older, newer: graph, sizes: sizes, diff: diff)
            // Up to 200 new objects of each of the 10 types with the most new bytes, to find their holders.
            let shownTypes = Set(diff.types.filter { $0.newCount > 0 }.sorted { $0.newSize > $1.newSize }.prefix(10).map(\.type))
            var perType: [String: Int] = [:]
            for i in 0..<graph.count where owned.isNew[i] {
                let type = graph.typeName(of: i)
                guard shownTypes.contains(type), perType[type, default: 0] < 200 else { continue }
                perType[type, default: 0] += 1
                survivorSample.append(i)
            }
            growth = Growth(growth: owned, diff: diff, survivors: [],
                            freed: diff.types.filter { $0.freedCount > 0 }.sorted { ($0.freedSize, $1.type) > ($1.freedSize, $0.type) },
                            olderObjects: older.count, olderBytes: older.totalSizeBytes)
        }

        // One breadth-first search finds every path the page shows.
        let finder = PathFinder(graph, targets: Set(top + suspectObjects + survivorSample))
        let labels = EdgeLabels(graph)
        func retainer(_ object: Int) -> Retainer {
            Retainer(object: object, retainedBytes: sizes.retainedBytes[object],
                steps: finder.path(to: object).map { labels.steps($0, limit: EdgeLabels.pathLimit) } ?? ["(no root reaches it)"])
        }
        retainers = top.map(retainer)
        suspects = suspectObjects.map(retainer)
        if var found = growth {
            found.survivors = Self.survivorGroups(graph, sample: survivorSample, diff: found.diff, finder: finder, labels: labels)
            growth = found
        }
        self.growth = growth
    }

    /// Holders grouped by the types along the path to them, so 12,345 lists each
    /// held by its own LeakedThing read as one line with one example path.
    private static func survivorGroups(_ graph: HeapGraph, sample: [Int], diff: HeapDiff, finder: PathFinder,
        labels: EdgeLabels) -> [SurvivorGroup] {
        var holders: [String: [[UInt32]: (example: [Int], count: Int)]] = [:]   // type → types along the holder path → example, count
        for object in sample {
            guard let path = finder.path(to: object) else { continue }
            let holderPath = Array(path.dropLast())
            let shape = holderPath.map { graph.typeIDs[$0] }
            holders[graph.typeName(of: object), default: [:]][shape, default: (holderPath, 0)].count += 1
        }
        return diff.types.filter { holders[$0.type] != nil }.sorted { $0.newSize > $1.newSize }.map { row in
            let top = (holders[row.type] ?? [:]).values.sorted { ($0.count, $1.example.count) > ($1.count, $0.example.count) }.prefix(3)
            return SurvivorGroup(type: row.type, count: row.newCount, sizeBytes: row.newSize,
                                 holders: top.map { (steps: $0.example.isEmpty ? ["(a root)"]
                                                         : labels.steps($0.example, limit: EdgeLabels.pathLimit), count: $0.count) },
                                 examined: (holders[row.type] ?? [:]).values.reduce(0) { $0 + $1.count })
        }
    }
}
