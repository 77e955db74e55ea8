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
