import HeapGraph
import Testing

@Suite("Format detection")
struct FormatTests {
    @Test func detectsByContent() {
        #expect(SnapshotFormat.detect(SnapshotFile.magic + [1, 0, 0, 0]) == .mlh)
        #expect(SnapshotFormat.detect(Array("  {\"address\": 1, \"type\": \"int\"}".utf8)) == .meliae)
        #expect(SnapshotFormat.detect(Array("{\"other\": 1}".utf8)) == nil)
        #expect(SnapshotFormat.detect([0x7F, 0x45, 0x4C, 0x46]) == nil)
    }
}

@Suite("Size column")
struct SizeColumnTests {
    @Test("Sizes of 4 GiB and more survive the 4-byte column")
    func largeSizes() {
        let sizes: [UInt64] = [0, 56, UInt64(UInt32.max) - 1, UInt64(UInt32.max), 5 << 30, 1 << 40]
        let column = SizeColumn(sizes)
        #expect(Array(column) == sizes)
        #expect(column.reduce(0, +) == sizes.reduce(0, +))
    }
}
