import SystemPackage

/// Whole-file and ranged reads with read(2)/pread(2), retrying EINTR.
/// (Foundation's `String(contentsOfFile:)` stops at 4 KiB on `/proc` files.)
enum FileBytes {
    /// Every byte of `path`.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = try FileDescriptor.open(FilePath(path), .readOnly, retryOnInterrupt: true)
        defer { try? fd.close() }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try fd.read(into: $0, retryOnInterrupt: true) }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }

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
