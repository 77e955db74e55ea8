/// Object addresses in ascending order with their indices, plus a table of
/// the 64 KiB address regions they fall in. A lookup bisects the region table
/// (a few thousand entries, cache-resident) and then the few hundred
/// addresses of one region, so it stays fast without sorting the queries.
struct SortedAddresses: Sendable {
    private let sorted: [UInt64]
    private let order: [UInt32]
    private let regionKeys: [UInt64]
    private let regionStarts: [UInt32]
    private static let regionShift: UInt64 = 16

    /// Sorts `addresses` (radix sort, O(n)); equal addresses keep their order.
    init(_ addresses: [UInt64]) {
        var sorted = addresses
        var order = [UInt32](0..<UInt32(addresses.count))
        RadixSort.sort(keys: &sorted, payloads: &order)
        var keys: [UInt64] = []
        var starts: [UInt32] = []
        for (i, address) in sorted.enumerated() where keys.last != address >> Self.regionShift {
            keys.append(address >> Self.regionShift)
            starts.append(UInt32(i))
        }
        starts.append(UInt32(sorted.count))
        self.sorted = sorted
        self.order = order
        regionKeys = keys
        regionStarts = starts
    }

    /// Resolves many addresses at once: `targets[i]` becomes the index of the
    /// object at `addresses[i]`, or `UInt32.max`. Sorts the queries in batches
    /// of 2 Mi and merges each with the sorted objects: sequential memory
    /// access, where one lookup per query would miss the cache every time.
    func resolve(_ addresses: [UInt64], into targets: inout [UInt32]) {
        let batch = 1 << 21
        for start in stride(from: 0, to: addresses.count, by: batch) {
            let end = min(start + batch, addresses.count)
            var keys = Array(addresses[start..<end])
            var positions = [UInt32](UInt32(start)..<UInt32(end))
            RadixSort.sort(keys: &keys, payloads: &positions)
            sorted.withUnsafeBufferPointer { sorted in
                targets.withUnsafeMutableBufferPointer { targets in
                    var o = 0
                    for q in 0..<keys.count {
                        let address = keys[q]
                        while o < sorted.count && sorted[o] < address { o += 1 }
                        targets[Int(positions[q])] = o < sorted.count && sorted[o] == address ? order[o] : .max
                    }
                }
            }
        }
    }

    /// Indices of records whose address repeats an earlier record's.
    var repeatedRecords: [Int] {
        (1..<max(sorted.count, 1)).compactMap { sorted[$0] == sorted[$0 - 1] ? Int(order[$0]) : nil }
    }

    /// The index of the (first) object at `address`.
    @inline(__always)
    func index(of address: UInt64) -> UInt32? {
        let region = address >> Self.regionShift
        var low = 0, high = regionKeys.count
        while low < high {
            let mid = (low + high) >> 1
            if regionKeys[mid] < region { low = mid + 1 } else { high = mid }
        }
        guard low < regionKeys.count, regionKeys[low] == region else { return nil }
        var first = Int(regionStarts[low]), last = Int(regionStarts[low + 1])
        while first < last {
            let mid = (first + last) >> 1
            if sorted[mid] < address { first = mid + 1 } else { last = mid }
        }
        return first < sorted.count && sorted[first] == address ? order[first] : nil
    }
}

/// Finds objects of a graph by address (about 12 bytes per object). Build
/// one when a command needs lookups, not one per lookup.
public struct AddressLookup: Sendable {
    private let addresses: SortedAddresses

    /// Indexes every object of `graph`.
    public init(_ graph: HeapGraph) {
        addresses = SortedAddresses(graph.addresses)
    }

    /// The index of the object at `address`, if the snapshot has one.
    public func index(of address: UInt64) -> Int? { addresses.index(of: address).map(Int.init) }
}
