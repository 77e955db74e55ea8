/// A set of object addresses in a ``HeapCopy``: one bit per copied 8-byte
/// word (a 64 MiB copy takes 1 MiB), so the walk's "seen" test stays in cache
/// (a hash set's random probes cost a sixth of the walk). Addresses outside
/// the copy are never members.
struct AddressSet {
    private let copy: HeapCopy
    private var bits: [UInt64]
    private(set) var count = 0

    init(copy: HeapCopy) {
        self.copy = copy
        bits = [UInt64](repeating: 0, count: copy.wordCount / 64 + 1)
    }

    @inline(__always)
    func contains(_ address: UInt64) -> Bool {
        guard address & 7 == 0, let i = copy.wordIndex(address), i >> 6 < bits.count else { return false }
        return bits[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// Adds `address`; false if it was there or is outside the copy.
    @discardableResult
    mutating func insert(_ address: UInt64) -> Bool {
        guard address & 7 == 0, let i = copy.wordIndex(address), i >> 6 < bits.count else { return false }
        let bit: UInt64 = 1 << UInt64(i & 63)
        if bits[i >> 6] & bit != 0 { return false }
        bits[i >> 6] |= bit
        count += 1
        return true
    }
}
