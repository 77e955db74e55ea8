/// The one little-endian reader of bytes from a target, a core or a file:
/// every integer in them is read here, 0 when it would run past the end.
extension Array where Element == UInt8 {
    /// A little-endian integer at byte `offset` (0 if out of range).
    @inline(__always)
    func le<T: FixedWidthInteger>(_ type: T.Type, _ offset: Int) -> T {
        guard offset >= 0, offset <= count - MemoryLayout<T>.size else { return 0 }
        return T(littleEndian: withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) })
    }

    /// Little-endian UInt64 at byte `offset` (0 if out of range).
    @inline(__always)
    func loadWord(at offset: Int) -> UInt64 { le(UInt64.self, offset) }

    /// Little-endian UInt32 at byte `offset` (0 if out of range).
    @inline(__always)
    func loadUInt32(at offset: Int) -> UInt32 { le(UInt32.self, offset) }
}
