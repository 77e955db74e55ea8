/// Bounds-checked little-endian reads from one section of a file; every
/// failure names the file and the absolute byte offset.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    /// Offset in the file of `bytes[0]`.
    let fileOffset: Int
    let path: String
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer, fileOffset: Int, path: String) {
        self.bytes = bytes
        self.fileOffset = fileOffset
        self.path = path
    }

    var remaining: Int { bytes.count - position }

    func corrupt(_ reason: String) -> SnapshotError {
        SnapshotError(path: path, offset: fileOffset + position, reason: "corrupt snapshot: \(reason)")
    }

    mutating func take(_ count: Int) throws(SnapshotError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else {
            throw corrupt("a field of \(count) bytes runs past the end of its section (\(remaining) left)")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
        position += count
        return slice
    }

    mutating func u8() throws(SnapshotError) -> UInt8 { try take(1)[0] }

    mutating func u16() throws(SnapshotError) -> UInt16 {
        try take(2).loadUnaligned(as: UInt16.self).littleEndian
    }

    mutating func u32() throws(SnapshotError) -> UInt32 {
        try take(4).loadUnaligned(as: UInt32.self).littleEndian
    }

    mutating func u64() throws(SnapshotError) -> UInt64 {
        try take(8).loadUnaligned(as: UInt64.self).littleEndian
    }

    /// A column of `count` unsigned values: u8 width (1, 2, 4, 6 or 8), then the values.
    mutating func column(count: Int) throws(SnapshotError) -> Column {
        let width = Int(try u8())
        guard [1, 2, 4, 6, 8].contains(width) else { throw corrupt("column width \(width) is not 1, 2, 4, 6 or 8") }
        guard count.multipliedReportingOverflow(by: width).overflow == false else { throw corrupt("column too long") }
        return Column(bytes: try take(count * width), width: width)
    }
}

/// Unsigned integers stored at a fixed width of 1, 2, 4, 6 or 8 bytes.
struct Column {
    let bytes: UnsafeRawBufferPointer
    let width: Int

    var count: Int { bytes.count / width }

    @inline(__always)
    subscript(i: Int) -> UInt64 {
        let o = i * width
        switch width {
        case 1: return UInt64(bytes[o])
        case 2: return UInt64(bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian)
        case 4: return UInt64(bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
        case 6:
            let low = UInt64(bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
            let high = UInt64(bytes.loadUnaligned(fromByteOffset: o + 4, as: UInt16.self).littleEndian)
            return low | high << 32
        default: return bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian
        }
    }
}
