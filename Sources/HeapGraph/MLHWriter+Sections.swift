import Foundation
import SafeFiles

extension MLHWriter {
    /// The objects of the chunk being filled: its columns, referents and values.
    struct Chunk {
        var flags = ObjectFlags()
        var addresses: [UInt64] = [], typeIDs: [UInt64] = [], sizes: [UInt64] = [], refcounts: [UInt64] = []
        var referentCounts: [UInt64] = []
        /// The referents' addresses, object after object.
        var edges: [UInt64] = []
        /// Where the referents of the object added last start in ``edges``.
        var openedAtEdge = 0
        /// Text, bytes, ints and floats (``ValueStore/Kind``'s order).
        var runs = [Run](repeating: Run(), count: 4)

        /// One kind of value: per value its object's place in the chunk, full
        /// length, stored head (characters for text, else bytes), and the stored bytes.
        struct Run {
            var positions: [UInt64] = [], lengths: [UInt64] = [], heads: [UInt64] = []
            var data: [UInt8] = []
        }

        var count: Int { addresses.count }

        mutating func add(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: ObjectFlags) {
            self.flags = flags
            addresses.append(address)
            typeIDs.append(UInt64(typeID))
            sizes.append(size)
            refcounts.append(UInt64(refcount))
            openedAtEdge = edges.count
        }

        /// The value of the object added last.
        mutating func addValue(_ kind: ValueStore.Kind, _ stored: UnsafeRawBufferPointer, length: Int, heads: Int) {
            let k = Int(kind.rawValue)
            runs[k].positions.append(UInt64(count - 1))
            runs[k].lengths.append(UInt64(length))
            runs[k].heads.append(UInt64(heads))
            runs[k].data.append(contentsOf: stored)
        }

        mutating func removeAll() {
            for column in [\Chunk.addresses, \.typeIDs, \.sizes, \.refcounts, \.referentCounts, \.edges] {
                self[keyPath: column].removeAll(keepingCapacity: true)
            }
            for k in runs.indices {
                runs[k].positions.removeAll(keepingCapacity: true)
                runs[k].lengths.removeAll(keepingCapacity: true)
                runs[k].heads.removeAll(keepingCapacity: true)
                runs[k].data.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Writes the chunk as an OBJECTS section (after a TYPES section for the
    /// types it may be the first to use) and empties it.
    mutating func writeChunk() {
        guard chunk.count > 0 else { return }
        writeNewTypes()
        section(.objects) { out, chunk in
            out += Self.le32(chunk.count) + Self.le32(0) + [chunk.flags.rawValue]
            for column in [chunk.addresses, chunk.typeIDs, chunk.sizes, chunk.refcounts, chunk.referentCounts] {
                Self.appendColumn(column, to: &out)
            }
            out += Self.le32(chunk.edges.count)
            Self.appendColumn(chunk.edges, to: &out)
            // Text and bytes: positions, full lengths, head lengths, then the heads' bytes;
            // ints and floats: positions, then 8 little-endian bytes each.
            for kind in [ValueStore.Kind.text, .bytes, .int, .float] {
                let run = chunk.runs[Int(kind.rawValue)]
                out += Self.le32(run.positions.count)
                Self.appendColumn(run.positions, to: &out)
                if kind == .text || kind == .bytes {
                    Self.appendColumn(run.lengths, to: &out)
                    Self.appendColumn(run.heads, to: &out)
                    out += Self.le32(run.data.count)
                }
                out += run.data
            }
        }
        chunk.removeAll()
    }

    /// Writes the types added since the last TYPES section.
    mutating func writeNewTypes() {
        guard newTypeCount > 0 else { return }
        section(.types, Self.le32(newTypeCount) + newTypes)
        newTypes.removeAll(keepingCapacity: true)
        newTypeCount = 0
    }

    /// Appends a section: its kind, its length, then what `body` appends (given
    /// the chunk), checksummed; the header goes first. Drains the buffer once
    /// it holds a megabyte; a write error is kept for ``commit()``.
    mutating func section(_ kind: SnapshotFile.Section, _ body: (inout [UInt8], Chunk) -> Void) {
        let checksummed = out.bytes.count
        if !headerWritten {
            headerWritten = true
            var header = metadata
            header.format = Int(SnapshotFile.formatVersion)
            header.source = nil
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys  // the same heap gives the same bytes
            let json = (try? encoder.encode(header)) ?? Data("{}".utf8)
            out.bytes += SnapshotFile.magic + Self.le32(Int(SnapshotFile.formatVersion)) + Self.le32(json.count) + Array(json)
        }
        let start = out.bytes.count
        out.bytes += [kind.rawValue, 0, 0, 0, 0]
        body(&out.bytes, chunk)
        let length = UInt32(truncatingIfNeeded: out.bytes.count - start - 5)
        for i in 0..<4 { out.bytes[start + 1 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
        out.bytes.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[checksummed...])) }
        guard failure == nil else { return out.bytes.removeAll(keepingCapacity: true) }
        do { try out.flushIfFull() } catch { failure = SnapshotError(error) }
    }

    /// A section of bytes known in full.
    mutating func section(_ kind: SnapshotFile.Section, _ payload: [UInt8]) {
        section(kind) { out, _ in out += payload }
    }

    /// Appends a column: u8 width, then the values little-endian at the
    /// smallest width that holds the largest.
    @inline(__always)
    static func appendColumn(_ values: [UInt64], to out: inout [UInt8]) {
        let top = values.max() ?? 0
        let width = top < 1 << 8 ? 1 : top < 1 << 16 ? 2 : top < 1 << 32 ? 4 : top < 1 << 48 ? 6 : 8
        let start = out.count
        out.append(UInt8(width))
        // Each value is stored as 8 little-endian bytes at its place; the next overwrites the excess.
        out.append(contentsOf: repeatElement(0, count: values.count * width + 8))
        out.withUnsafeMutableBytes { buffer in
            var at = start + 1
            for value in values {
                buffer.storeBytes(of: value.littleEndian, toByteOffset: at, as: UInt64.self)
                at += width
            }
        }
        out.removeLast(8)
    }

    /// Code points in UTF-8 bytes (the bytes that do not continue a sequence).
    static func characters(inUTF8 bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }

    static func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    static func jsonArray(_ texts: [String]) -> String { "[" + texts.map(jsonString).joined(separator: ", ") + "]" }
}
