public import PythonProcess

extension MemorySource {
    /// Many small spans, each `count` bytes, concatenated in order; a span
    /// that cannot be read is zero-filled and its index returned in `unreadable`.
    /// One read per span (the shim has no vectored read yet).
    public func gather(_ addresses: [UInt64], count: Int) -> (bytes: [UInt8], unreadable: Set<Int>) {
        var out = [UInt8](repeating: 0, count: addresses.count * count)
        var unreadable = Set<Int>()
        out.withUnsafeMutableBytes { raw in
            for (i, address) in addresses.enumerated() {
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[(i * count)..<((i + 1) * count)])
                do { try read(at: address, into: slice) } catch { unreadable.insert(i) }
            }
        }
        return (out, unreadable)
    }
}

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
