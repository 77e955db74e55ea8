import SystemPackage

/// Ranged reads with pread(2), retrying EINTR.
enum FileBytes {
    /// `count` bytes of the open file `fd` from `offset` (fewer at end of file).
    static func read(_ fd: FileDescriptor, offset: UInt64, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = try buffer.withUnsafeMutableBytes { raw in
                try fd.read(fromAbsoluteOffset: Int64(offset) + Int64(done),
                            into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]), retryOnInterrupt: true)
            }
            if n == 0 { break }
            done += n
        }
        return Array(buffer.prefix(done))
    }
}
