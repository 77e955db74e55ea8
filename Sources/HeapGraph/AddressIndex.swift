/// An open-addressing hash map from object address to object index, with
/// linear probing: 12 bytes per slot, at most half full. Address 0 marks an
/// empty slot (no object lives at address 0).
struct AddressIndex: Sendable {
    private var keys: [UInt64]
    private var indices: [UInt32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        indices = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func slot(_ address: UInt64, _ mask: Int) -> Int {
        // Addresses are 16-byte aligned and clustered: mix before masking.
        Int(truncatingIfNeeded: (address >> 4) &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
    }

    /// Inserts `address` unless present; returns the index already stored, or nil if inserted.
    mutating func insert(_ address: UInt64, index: UInt32) -> UInt32? {
        if (count + 1) * 2 > keys.count { grow() }
        var s = Self.slot(address, mask)
        while true {
            let k = keys[s]
            if k == 0 {
                keys[s] = address
                indices[s] = index
                count += 1
                return nil
            }
            if k == address { return indices[s] }
            s = (s + 1) & mask
        }
    }

    /// The index stored for `address`.
    func find(_ address: UInt64) -> UInt32? {
        var s = Self.slot(address, mask)
        while true {
            let k = keys[s]
            if k == address && k != 0 { return indices[s] }
            if k == 0 { return nil }
            s = (s + 1) & mask
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldIndices = indices
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        indices = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, i) in zip(oldKeys, oldIndices) where k != 0 { _ = insert(k, index: i) }
    }
}

/// Finds objects of a graph by address. Building it costs O(n) time and
/// 24 bytes per object, so build one when a command needs it, not per lookup.
public struct AddressLookup: Sendable {
    private let index: AddressIndex

    /// Indexes every object of `graph`.
    public init(_ graph: HeapGraph) {
        var index = AddressIndex(capacity: graph.count)
        for (i, address) in graph.addresses.enumerated() { _ = index.insert(address, index: UInt32(i)) }
        self.index = index
    }

    /// The index of the object at `address`, if the snapshot has one.
    public func index(of address: UInt64) -> Int? { index.find(address).map(Int.init) }
}
