/// The value of a str, bytes, int or float object, as far as it was recorded.
public enum ObjectValue: Sendable, Hashable {
    /// The first characters of a str, and its full length in characters.
    case text(String, length: Int)
    /// The first bytes of a bytes object, and its full length.
    case bytes([UInt8], length: Int)
    case int(Int64)
    case float(Double)
}

/// Values for the objects that have one, in one byte arena: per object a
/// 4-byte offset into the arena (`UInt32.max` for none); at the offset a
/// record `kind u8`, then for text and bytes `full length (LEB128), byte count
/// (LEB128), bytes`, for numbers 8 little-endian bytes. About 3 bytes plus the
/// text per value.
public struct ValueStore: Sendable {
    package enum Kind: UInt8 { case text, bytes, int, float }

    private static let none = UInt32.max
    private var offsetOfObject: [UInt32] = []
    private var arena: [UInt8] = []
    /// Number of objects that have a value.
    public private(set) var count = 0

    /// An empty store.
    public init() {}

    /// The value of object `index`, if one was recorded.
    public func value(of index: Int) -> ObjectValue? {
        guard index < offsetOfObject.count, offsetOfObject[index] != Self.none else { return nil }
        var position = Int(offsetOfObject[index])
        let kind = Kind(rawValue: arena[position])
        position += 1
        switch kind {
        case .int?, .float?:
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(arena[position + i]) << (8 * i) }
            return kind == .int ? .int(Int64(bitPattern: bits)) : .float(Double(bitPattern: bits))
        case .text?, .bytes?:
            let length = readLEB(&position)
            let byteCount = readLEB(&position)
            let bytes = arena[position..<position + byteCount]
            return kind == .text ? .text(String(decoding: bytes, as: UTF8.self), length: length) : .bytes(Array(bytes), length: length)
        case nil:
            return nil
        }
    }

    /// The recorded UTF-8 bytes of object `index` if it is a str with a value
    /// (a slice of the store, not a copy); nil otherwise.
    public func textBytes(of index: Int) -> ArraySlice<UInt8>? {
        guard index < offsetOfObject.count, offsetOfObject[index] != Self.none else { return nil }
        var position = Int(offsetOfObject[index])
        guard arena[position] == Kind.text.rawValue else { return nil }
        position += 1
        _ = readLEB(&position)
        let byteCount = readLEB(&position)
        return arena[position..<position + byteCount]
    }

    /// The record of object `index` as stored, with no Swift value made: its
    /// kind, full length (text and bytes; 0 for numbers) and stored bytes (the
    /// UTF-8 or bytes head; a number's 8 little-endian bytes). Nil without a value.
    func withRecord<R>(of index: Int, _ body: (Kind, Int, UnsafeRawBufferPointer) -> R) -> R? {
        guard index < offsetOfObject.count, offsetOfObject[index] != Self.none else { return nil }
        var position = Int(offsetOfObject[index])
        guard let kind = Kind(rawValue: arena[position]) else { return nil }
        position += 1
        var length = 0, byteCount = 8
        if kind == .text || kind == .bytes {
            length = readLEB(&position)
            byteCount = readLEB(&position)
        }
        return arena.withUnsafeBytes { body(kind, length, UnsafeRawBufferPointer(rebasing: $0[position..<position + byteCount])) }
    }

    private func readLEB(_ position: inout Int) -> Int {
        var value = 0, shift = 0
        while true {
            let byte = arena[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    private mutating func appendLEB(_ value: Int) {
        var v = UInt(value)
        while v >= 0x80 {
            arena.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        arena.append(UInt8(v))
    }

    /// Makes room for `objects` objects and `bytes` bytes of values.
    mutating func reserve(objects: Int, bytes: Int) {
        offsetOfObject.reserveCapacity(objects)
        arena.reserveCapacity(bytes)
    }

    mutating func reserveObjects(_ objectCount: Int) {
        if offsetOfObject.count < objectCount {
            offsetOfObject.append(contentsOf: repeatElement(Self.none, count: objectCount - offsetOfObject.count))
        }
    }

    /// Starts a record for object `index`; false if the arena is full (4 GiB).
    private mutating func begin(_ kind: Kind, for index: Int) -> Bool {
        guard arena.count < Int(Self.none) - 64 else { return false }
        reserveObjects(index + 1)
        offsetOfObject[index] = UInt32(arena.count)
        arena.append(kind.rawValue)
        count += 1
        return true
    }

    mutating func setNumber(_ kind: Kind, bits: UInt64, for index: Int) {
        guard begin(kind, for: index) else { return }
        withUnsafeBytes(of: bits.littleEndian) { arena.append(contentsOf: $0) }
    }

    mutating func setData(_ kind: Kind, _ data: UnsafeRawBufferPointer, length: Int, for index: Int) {
        guard begin(kind, for: index) else { return }
        appendLEB(length)
        appendLEB(data.count)
        arena.append(contentsOf: data)
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
}
