import Foundation
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

    /// The error for a `.mlh` header whose format version is `version`.
    func versionError(_ version: UInt32) throws -> String? {
        let bytes = SnapshotFile.magic + withUnsafeBytes(of: version.littleEndian) { Array($0) } + [2, 0, 0, 0] + Array("{}".utf8)
        let url = FileManager.default.temporaryDirectory.appending(path: "format-version-\(UUID().uuidString).mlh")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return #expect(throws: SnapshotError.self) { try SnapshotLoader.load(path: url.path) }?.description
    }

    /// Issue 23: version 0 was called "newer than this memlens reads".
    @Test("Format version 0 is corrupt, not newer; a newer one says upgrade")
    func unknownVersions() throws {
        let zero = try #require(try versionError(0))
        #expect(zero.contains("format version 0 is not a version memlens ever wrote"), "\(zero)")
        #expect(!zero.contains("newer") && !zero.contains("upgrade"), "\(zero)")
        let newer = try #require(try versionError(SnapshotFile.formatVersion + 1))
        #expect(newer.contains("is newer than this memlens reads") && newer.contains("upgrade memlens"), "\(newer)")
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
