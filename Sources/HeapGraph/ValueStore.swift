/// The value of a str, bytes, int or float object, as far as it was recorded.
public enum ObjectValue: Sendable, Hashable {
    /// The first characters of a str, and its full length in characters.
    case text(String, length: Int)
    /// The first bytes of a bytes object, and its full length.
    case bytes([UInt8], length: Int)
    case int(Int64)
    case float(Double)
}

/// Values for the few objects that have one, stored compactly: one slot per
/// object (`-1` for none) and the text of all values in one byte arena.
public struct ValueStore: Sendable {
    enum Kind: UInt8 { case text, bytes, int, float }

    private var slotOfObject: [Int32] = []
    private var kinds: [Kind] = []
    private var payloads: [UInt64] = []     // int bits, float bits, or full length
    private var arenaStarts: [UInt32] = []
    private var arenaEnds: [UInt32] = []
    private var arena: [UInt8] = []

    /// An empty store.
    public init() {}

    /// Number of objects that have a value.
    public var count: Int { kinds.count }

    /// The value of object `index`, if one was recorded.
    public func value(of index: Int) -> ObjectValue? {
        guard index < slotOfObject.count else { return nil }
        let slot = Int(slotOfObject[index])
        guard slot >= 0 else { return nil }
        switch kinds[slot] {
        case .int: return .int(Int64(bitPattern: payloads[slot]))
        case .float: return .float(Double(bitPattern: payloads[slot]))
        case .text:
            let bytes = arena[Int(arenaStarts[slot])..<Int(arenaEnds[slot])]
            return .text(String(decoding: bytes, as: UTF8.self), length: Int(payloads[slot]))
        case .bytes:
            return .bytes(Array(arena[Int(arenaStarts[slot])..<Int(arenaEnds[slot])]), length: Int(payloads[slot]))
        }
    }

    mutating func reserveObjects(_ objectCount: Int) {
        if slotOfObject.count < objectCount {
            slotOfObject.append(contentsOf: repeatElement(-1, count: objectCount - slotOfObject.count))
        }
    }

    mutating func setNumber(_ kind: Kind, bits: UInt64, for index: Int) {
        reserveObjects(index + 1)
        slotOfObject[index] = Int32(kinds.count)
        kinds.append(kind)
        payloads.append(bits)
        arenaStarts.append(0)
        arenaEnds.append(0)
    }

    mutating func setData(_ kind: Kind, _ data: UnsafeRawBufferPointer, length: Int, for index: Int) {
        reserveObjects(index + 1)
        slotOfObject[index] = Int32(kinds.count)
        kinds.append(kind)
        payloads.append(UInt64(length))
        arenaStarts.append(UInt32(arena.count))
        arena.append(contentsOf: data)
        arenaEnds.append(UInt32(arena.count))
    }

    /// Sets a value from its Swift form (used by importers).
    mutating func set(_ value: ObjectValue, for index: Int) {
        switch value {
        case .int(let v): setNumber(.int, bits: UInt64(bitPattern: v), for: index)
        case .float(let v): setNumber(.float, bits: v.bitPattern, for: index)
        case .text(let s, let length):
            var s = s
            s.withUTF8 { setData(.text, UnsafeRawBufferPointer($0), length: length, for: index) }
        case .bytes(let b, let length):
            b.withUnsafeBytes { setData(.bytes, $0, length: length, for: index) }
        }
    }

    /// Drops slots for objects at or past `objectCount` (after a rejected record).
    mutating func truncateObjects(to objectCount: Int) {
        if slotOfObject.count > objectCount { slotOfObject.removeLast(slotOfObject.count - objectCount) }
    }
}
