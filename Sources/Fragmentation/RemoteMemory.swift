/// Reads another process's memory. The live implementation wraps
/// `process_vm_readv` (see `ProcessMemory`); tests use a byte image.
public protocol RemoteMemory {
    /// `count` bytes at `address`; throws if any of them cannot be read.
    func bytes(at address: UInt64, count: Int) throws -> [UInt8]
    /// Many small spans in as few calls as the mechanism allows, each `count`
    /// bytes, concatenated in order; a span that cannot be read is zero-filled
    /// and reported in the returned set of indices.
    func gather(_ addresses: [UInt64], count: Int) throws -> (bytes: [UInt8], unreadable: Set<Int>)
}

extension RemoteMemory {
    /// One span at a time; mechanisms with vectored reads do better.
    public func gather(_ addresses: [UInt64], count: Int) throws -> (bytes: [UInt8], unreadable: Set<Int>) {
        var out = [UInt8]()
        out.reserveCapacity(addresses.count * count)
        var unreadable = Set<Int>()
        for (i, address) in addresses.enumerated() {
            if let span = try? bytes(at: address, count: count) {
                out += span
            } else {
                out += [UInt8](repeating: 0, count: count)
                unreadable.insert(i)
            }
        }
        return (out, unreadable)
    }

    /// The little-endian 8-byte word at `address`.
    public func pointer(at address: UInt64) throws -> UInt64 {
        try bytes(at: address, count: 8).loadWord(at: 0)
    }

    /// A NUL-terminated string at `address`, up to `limit` bytes.
    public func cString(at address: UInt64, maxLength: Int = 128) throws -> String {
        let raw = try bytes(at: address, count: maxLength)
        let end = raw.firstIndex(of: 0) ?? raw.count
        return String(decoding: raw[..<end], as: UTF8.self)
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
