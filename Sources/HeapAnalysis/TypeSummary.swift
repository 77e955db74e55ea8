public import HeapGraph
import ProcessModels

/// Objects of one type: how many, how many bytes, the largest.
public struct TypeStatistics: Sendable, Hashable, Codable {
    /// Type name, `module.QualName` for non-builtin classes.
    public var type: String
    public var count: Int
    /// Sum of `sys.getsizeof`, in bytes.
    public var size: UInt64
    /// The largest single object, in bytes.
    public var max: UInt64
    /// Address of the largest object.
    public var maxAddress: UInt64
    /// Read-only snapshots: true when sizes of this type are approximate
    /// (`tp_basicsize` + items; its `__sizeof__` is not modelled); nil otherwise.
    public var approximate: Bool?
}

/// A heap by type, largest total size first (meliae's `summarize()`).
public struct TypeSummary: Sendable {
    /// One row per type, sorted by size, then count, then name.
    public var types: [TypeStatistics]
    /// Objects counted.
    public var objectCount: Int
    /// Bytes counted.
    public var totalSizeBytes: UInt64

    /// Summarizes only the objects `subset` (indices) of `graph`.
    public init(subset: [Int], of graph: HeapGraph) {
        var rows: [UInt32: TypeStatistics] = [:]
        var total: UInt64 = 0
        for i in subset {
            let t = graph.typeIDs[i]
            let size = graph.sizes[i]
            var row = rows[t] ?? TypeStatistics(type: graph.typeNames[Int(t)], count: 0, size: 0, max: 0, maxAddress: graph.addresses[i])
            if graph.flags[i].contains(.approximateSize) { row.approximate = true }
            row.count += 1
            row.size = row.size.addingSaturated(size)
            if size > row.max {
                row.max = size
                row.maxAddress = graph.addresses[i]
            }
            rows[t] = row
            total = total.addingSaturated(size)
        }
        types = rows.values.sorted { ($0.size, $0.count, $1.type) > ($1.size, $1.count, $0.type) }
        objectCount = subset.count
        totalSizeBytes = total
    }

    /// Summarizes `graph`; with `collapsing`, each instance `__dict__` is
    /// counted as part of its owner (see `InstanceDictCollapse`).
    public init(_ graph: HeapGraph, collapsing: InstanceDictCollapse? = nil) {
        var counts = [Int](repeating: 0, count: graph.typeNames.count)
        var sizes = [UInt64](repeating: 0, count: graph.typeNames.count)
        var maxima = [UInt64](repeating: 0, count: graph.typeNames.count)
        var maxAddresses = [UInt64](repeating: 0, count: graph.typeNames.count)
        var approximate = [Bool](repeating: false, count: graph.typeNames.count)
        var objectCount = 0
        var total: UInt64 = 0
        let objectSizes = graph.sizes
        graph.typeIDs.withUnsafeBufferPointer { typeIDs in
            for i in 0..<typeIDs.count {
                var size = objectSizes[i]
                if let collapsing {
                    if collapsing.isFolded(i) { continue }
                    size = size.addingSaturated(collapsing.extraBytes(i))
                }
                let t = Int(typeIDs[i])
                if graph.flags[i].contains(.approximateSize) { approximate[t] = true }
                counts[t] += 1
                sizes[t] = sizes[t].addingSaturated(size)
                if size > maxima[t] || counts[t] == 1 {
                    maxima[t] = size
                    maxAddresses[t] = graph.addresses[i]
                }
                objectCount += 1
                total = total.addingSaturated(size)
            }
        }
        types = graph.typeNames.indices.compactMap { t in
            counts[t] == 0 ? nil : TypeStatistics(
                type: graph.typeNames[t], count: counts[t], size: sizes[t], max: maxima[t], maxAddress: maxAddresses[t],
                approximate: approximate[t] ? true : nil
            )
        }
        types.sort { ($0.size, $0.count, $1.type) > ($1.size, $1.count, $0.type) }
        self.objectCount = objectCount
        totalSizeBytes = total
    }
}
