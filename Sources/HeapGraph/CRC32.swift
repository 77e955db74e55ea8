/// CRC-32 (IEEE 802.3, as zlib's `crc32`), slicing by 8 bytes.
struct CRC32 {
    private static let tables: [[UInt32]] = {
        var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            tables[0][i] = c
        }
        for i in 0..<256 {
            for t in 1..<8 {
                let previous = tables[t - 1][i]
                tables[t][i] = tables[0][Int(previous & 0xFF)] ^ (previous >> 8)
            }
        }
        return tables
    }()

    private(set) var value: UInt32 = 0

    mutating func update(_ data: UnsafeRawBufferPointer) {
        var crc = ~value
        var i = 0
        let n = data.count
        Self.tables.withUnsafeBufferPointer { tables in
            let t = (0..<8).map { tables[$0] }
            t[0].withUnsafeBufferPointer { t0 in t[1].withUnsafeBufferPointer { t1 in
            t[2].withUnsafeBufferPointer { t2 in t[3].withUnsafeBufferPointer { t3 in
            t[4].withUnsafeBufferPointer { t4 in t[5].withUnsafeBufferPointer { t5 in
            t[6].withUnsafeBufferPointer { t6 in t[7].withUnsafeBufferPointer { t7 in
                while i + 8 <= n {
                    let lo = crc ^ data.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian
                    let hi = data.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self).littleEndian
                    crc = t7[Int(lo & 0xFF)] ^ t6[Int((lo >> 8) & 0xFF)]
                        ^ t5[Int((lo >> 16) & 0xFF)] ^ t4[Int(lo >> 24)]
                        ^ t3[Int(hi & 0xFF)] ^ t2[Int((hi >> 8) & 0xFF)]
                        ^ t1[Int((hi >> 16) & 0xFF)] ^ t0[Int(hi >> 24)]
                    i += 8
                }
                while i < n {
                    crc = t0[Int((crc ^ UInt32(data[i])) & 0xFF)] ^ (crc >> 8)
                    i += 1
                }
            }}}}}}}}
        }
        value = ~crc
    }
}
