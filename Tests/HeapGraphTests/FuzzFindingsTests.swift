import Foundation
import HeapGraph
import Testing

/// Inputs the fuzz targets (bench/fuzz: mlh, meliae) found, or that their
/// findings pointed to, reduced to the bytes that matter: each must now load
/// or be a `SnapshotError`, never a trap.
@Suite struct SnapshotFuzzFindingsTests {
    func load(_ bytes: [UInt8]) throws -> HeapGraph {
        let url = FileManager.default.temporaryDirectory.appending(path: "fuzz-finding-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SnapshotLoader.load(path: url.path)
    }

    static func u16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// meliae: a `len` of 2^63 (the fuzzer's crash, minimized) was converted to `Int` with a trap.
    @Test func meliaeLengthPastIntMax() throws {
        let graph = try load(Array(#"{"address": 16, "type": "str", "size": 50, "len": 9223372036854775808, "value": "a"}"#.utf8) + [10])
        #expect(graph.count == 1)
    }

    /// A `.mlh` header, `{}` metadata and a types section with one type `x`, then `section`.
    static func mlh(objects section: [UInt8]) -> [UInt8] {
        let types = Self.u32(1) + Self.u16(1) + [0x78] + Self.u64(0)
        return SnapshotFile.magic + Self.u32(2) + Self.u32(2) + Array("{}".utf8)
            + [1] + Self.u32(UInt32(types.count)) + types
            + [2] + Self.u32(UInt32(section.count)) + section
    }

    /// `.mlh`: one object whose referent count is stored in an 8-byte column as 2^63.
    @Test func mlhReferentCountPastIntMax() {
        let objects = Self.u32(1) + Self.u32(0) + [0]                    // count, refcount bias, flags
            + [1, 16] + [1, 0] + [1, 32] + [1, 1]                        // addresses, types, sizes, refcounts (1-byte columns)
            + [8] + Self.u64(1 << 63)                                    // referent counts: 8-byte column
            + Self.u32(0) + [1]                                          // no edges
        let error = #expect(throws: SnapshotError.self) { try load(Self.mlh(objects: objects)) }
        #expect(error?.reason.contains("claims more referents than the chunk has") == true)
    }

    /// `.mlh`: two bytes values, the second with a head length (8-byte column)
    /// of Int.max: `start + length` overflowed once the first had moved `start` to 1.
    @Test func mlhValueLengthPastTheBlob() {
        let objects = Self.u32(1) + Self.u32(0) + [0]
            + [1, 16] + [1, 0] + [1, 32] + [1, 1] + [1, 0]
            + Self.u32(0) + [1]
            + Self.u32(0) + [1] + [1] + [1] + Self.u32(0)                // no text values
            + Self.u32(2) + [1, 0, 0] + [1, 1, 3] + [8] + Self.u64(1) + Self.u64(UInt64(Int.max)) + Self.u32(2) + [0x61, 0x62]
        let error = #expect(throws: SnapshotError.self) { try load(Self.mlh(objects: objects)) }
        #expect(error?.reason.contains("runs past its section") == true)
    }
}
