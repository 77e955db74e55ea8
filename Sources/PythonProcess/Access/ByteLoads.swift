extension Array where Element == UInt8 {
    /// Little-endian UInt64 at byte `offset` (0 if out of range).
    @inline(__always)
    func loadWord(at offset: Int) -> UInt64 {
        guard offset >= 0, offset + 8 <= count else { return 0 }
        return withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
    }

    /// Little-endian UInt32 at byte `offset` (0 if out of range).
    @inline(__always)
    func loadUInt32(at offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= count else { return 0 }
        return withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
    }
}
