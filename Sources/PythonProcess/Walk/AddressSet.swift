/// A set of object addresses in a ``HeapCopy``, kept as one bit per copied
/// 8-byte word (a 64 MiB copy takes 1 MiB), so the walk's "seen" test stays in
/// cache (a hash set's random probes cost a sixth of the walk). Members are
/// given by their word's index in the copy (``HeapCopy/wordIndex(_:)``): the
/// set holds no reference to the copy, so reading it retains nothing.
struct AddressSet {
    private var bits: [UInt64]
    private(set) var count = 0

    /// An empty set for the words of `copy`.
    init(copy: HeapCopy) {
        bits = [UInt64](repeating: 0, count: copy.wordCount / 64 + 1)
    }

    @inline(__always)
    func contains(position i: Int) -> Bool {
        i >= 0 && i >> 6 < bits.count && bits[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// Adds the word at index `i`; false if it was there (or is outside the copy).
    @inline(__always)
    @discardableResult
    mutating func insert(position i: Int) -> Bool {
        guard i >= 0, i >> 6 < bits.count else { return false }
        let bit: UInt64 = 1 << UInt64(i & 63)
        if bits[i >> 6] & bit != 0 { return false }
        bits[i >> 6] |= bit
        count += 1
        return true
    }

    /// Removes the word at index `i`, a member.
    @inline(__always)
    mutating func remove(position i: Int) {
        bits[i >> 6] &= ~(1 << UInt64(i & 63))
        count -= 1
    }

    /// The first member at word index `i` or above, nil if none.
    func nextMember(from i: Int) -> Int? {
        var block = i >> 6
        guard i >= 0, block < bits.count else { return nil }
        var word = bits[block] & (~0 << UInt64(i & 63))
        while word == 0 {
            block += 1
            guard block < bits.count else { return nil }
            word = bits[block]
        }
        return block << 6 | word.trailingZeroBitCount
    }
}

extension GraphWalk {
    /// The word index of `address` in the copy: its key in ``known``; nil when it
    /// cannot be an object (misaligned or not copied).
    @inline(__always)
    func position(_ address: UInt64) -> Int? {
        guard address & 7 == 0 else { return nil }
        return copy.wordIndex(address)
    }

    /// Whether `address` is an object in the snapshot or queued for it.
    @inline(__always)
    func isKnown(_ address: UInt64) -> Bool {
        guard let i = position(address) else { return false }
        return known.contains(position: i)
    }

    /// Adds `address` to ``known``; false if it was there or cannot be an object.
    @discardableResult
    func insertKnown(_ address: UInt64) -> Bool {
        guard let i = position(address) else { return false }
        return known.insert(position: i)
    }
}
