/// Finds objects of a graph by address: a sorted copy of the addresses
/// (12 bytes per object) searched by bisection. Build one when a command
/// needs lookups, not one per lookup.
public struct AddressLookup: Sendable {
    private let sorted: [UInt64]
    private let order: [UInt32]

    /// Indexes every object of `graph`.
    public init(_ graph: HeapGraph) {
        var sorted = graph.addresses
        var order = [UInt32](0..<UInt32(graph.count))
        RadixSort.sort(keys: &sorted, payloads: &order)
        self.sorted = sorted
        self.order = order
    }

    /// The index of the object at `address`, if the snapshot has one.
    public func index(of address: UInt64) -> Int? {
        SortedAddresses(sorted: sorted, order: order).index(of: address)
    }
}
