import Foundation

/// Writes a graph as a `.mlh` snapshot (format 2), the same layout the Python
/// agent streams: chunks of 8,192 objects with columns at the smallest width
/// that holds their largest value.
public enum MLHWriter {
    static let chunkObjects = 8192

    /// Writes `graph` to `path` through a temporary file renamed into place, mode 0600.
    public static func write(_ graph: HeapGraph, to path: String) throws(SnapshotError) {
        var metadata = graph.metadata
        metadata.format = Int(SnapshotFile.formatVersion)
        metadata.source = nil
        let metaBytes = (try? JSONEncoder().encode(metadata)) ?? Data("{}".utf8)
        var crc = CRC32()
        try AtomicFile.write(to: path) { (out: inout OutputBuffer) throws(SnapshotError) in
            func emit(_ bytes: [UInt8]) {
                bytes.withUnsafeBytes { crc.update($0) }
                out.append(bytes: bytes)
            }
            func section(_ kind: SnapshotFile.Section, _ payload: [UInt8]) {
                section(kind, writing: { $0 += payload })
            }
            // A section whose payload `body` appends straight to the buffer, its length filled in after.
            func section(_ kind: SnapshotFile.Section, writing body: (inout [UInt8]) -> Void) {
                let start = out.bytes.count
                out.bytes += [kind.rawValue, 0, 0, 0, 0]
                body(&out.bytes)
                let length = UInt32(truncatingIfNeeded: out.bytes.count - start - 5)
                for i in 0..<4 { out.bytes[start + 1 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
                out.bytes.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            }
            emit(SnapshotFile.magic + le32(Int(SnapshotFile.formatVersion)) + le32(metaBytes.count) + Array(metaBytes))
            var types: [UInt8] = le32(graph.typeNames.count)
            let typeAddresses = Dictionary(graph.typeObjectNames.map { ($1, graph.addresses[Int($0)]) }, uniquingKeysWith: { a, _ in a })
            for name in graph.typeNames {
                let utf8 = Array(name.utf8.prefix(0xFFFF))
                types += [UInt8(utf8.count & 0xFF), UInt8(utf8.count >> 8)] + utf8 + le64(typeAddresses[name] ?? 0)
            }
            section(.types, types)
            // Chunks of at most 8,192 objects that agree on their flags (gc-tracked, conservative, approximate).
            var start = 0
            var scratch = ChunkValues()
            while start < graph.count {
                let flags = graph.flags[start]
                var end = start + 1
                while end < min(start + chunkObjects, graph.count), graph.flags[end] == flags { end += 1 }
                section(.objects, writing: { appendObjects(graph, start..<end, flags: flags, values: &scratch, to: &$0) })
                try out.flushIfFull()
                start = end
            }
            for (kind, names) in [(SnapshotFile.Section.closures, graph.closureNames),
                (.attributes, graph.attributeNames), (.locals, graph.localNames)] where !names.isEmpty {
                let records = names.map { "[\(graph.addresses[Int($0.key)]), \(jsonArray($0.value))]" }
                section(kind, Array("[\(records.joined(separator: ", "))]".utf8))
            }
            let roots = graph.roots.map {
                "{\"address\": \(graph.addresses[Int($0.object)]), \"kind\": \(jsonString($0.kind)), \"name\": \(jsonString($0.name))}"
            }
            section(.roots, Array("[\(roots.joined(separator: ", "))]".utf8))
            let end = le64(graph.count) + le64(graph.edgeCount) + le32(Int(crc.value))
            out.append(bytes: [SnapshotFile.Section.end.rawValue] + le32(end.count) + end)
        }
    }

    /// The referents and values of one chunk, values in one run per kind (reused from chunk to chunk).
    private struct ChunkValues {
        struct Run {
            /// Per value: its object's place in the chunk, full length, stored head (characters for text, else bytes).
            var positions: [UInt64] = [], lengths: [UInt64] = [], heads: [UInt64] = []
            /// The stored bytes, one value after another.
            var data: [UInt8] = []

            mutating func removeAll() {
                positions.removeAll(keepingCapacity: true)
                lengths.removeAll(keepingCapacity: true)
                heads.removeAll(keepingCapacity: true)
                data.removeAll(keepingCapacity: true)
            }
        }
        /// Text, bytes, ints and floats (``ValueStore/Kind``'s order).
        var runs = [Run](repeating: Run(), count: 4)
        /// The chunk's referents' addresses.
        var edges: [UInt64] = []
    }

    /// Appends an objects payload: the columns, the edges (as addresses), then the values.
    private static func appendObjects(_ graph: HeapGraph, _ range: Range<Int>, flags: ObjectFlags, values: inout ChunkValues,
                                      to out: inout [UInt8]) {
        let edges = Int(graph.edgeStarts[range.lowerBound])..<Int(graph.edgeStarts[range.upperBound])
        out += le32(range.count) + le32(0) + [flags.rawValue]
        appendColumn(range, to: &out) { graph.addresses[$0] }
        appendColumn(range, to: &out) { UInt64(graph.typeIDs[$0]) }
        appendColumn(range, to: &out) { graph.sizes[$0] }
        appendColumn(range, to: &out) { UInt64(graph.refcounts[$0]) }
        appendColumn(range, to: &out) { UInt64(graph.edgeStarts[$0 + 1] - graph.edgeStarts[$0]) }
        out += le32(edges.count)
        // Looked up once (random reads across the address column), then measured and written.
        values.edges.removeAll(keepingCapacity: true)
        for e in edges { values.edges.append(graph.addresses[Int(graph.edgeTargets[e])]) }
        let referents = values.edges
        appendColumn(referents.indices, to: &out) { referents[$0] }
        for kind in 0..<4 { values.runs[kind].removeAll() }
        for i in range {
            _ = graph.values.withRecord(of: i) { kind, length, stored in
                let k = Int(kind.rawValue)
                values.runs[k].positions.append(UInt64(i - range.lowerBound))
                values.runs[k].lengths.append(UInt64(length))
                values.runs[k].heads.append(UInt64(kind == .text ? characters(inUTF8: stored) : stored.count))
                values.runs[k].data.append(contentsOf: stored)
            }
        }
        // Text and bytes: positions, full lengths, head lengths, then the heads' bytes;
        // ints and floats: positions, then 8 little-endian bytes each.
        for kind in [ValueStore.Kind.text, .bytes, .int, .float] {
            let run = values.runs[Int(kind.rawValue)]
            out += le32(run.positions.count)
            appendColumn(run.positions.indices, to: &out) { run.positions[$0] }
            if kind == .text || kind == .bytes {
                appendColumn(run.lengths.indices, to: &out) { run.lengths[$0] }
                appendColumn(run.heads.indices, to: &out) { run.heads[$0] }
                out += le32(run.data.count)
            }
            out += run.data
        }
    }

    /// Code points in UTF-8 bytes (the bytes that do not continue a sequence).
    private static func characters(inUTF8 bytes: UnsafeRawBufferPointer) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// Appends a column of `value(i)` for `i` in `indices`: u8 width, then the
    /// values little-endian at the smallest width that holds the largest.
    @inline(__always)
    private static func appendColumn(_ indices: Range<Int>, to out: inout [UInt8], _ value: (Int) -> UInt64) {
        var top: UInt64 = 0
        for i in indices { top = max(top, value(i)) }
        let width = top < 1 << 8 ? 1 : top < 1 << 16 ? 2 : top < 1 << 32 ? 4 : top < 1 << 48 ? 6 : 8
        let start = out.count
        out.append(UInt8(width))
        // Each value is stored as 8 little-endian bytes at its place; the next overwrites the excess.
        out.append(contentsOf: repeatElement(0, count: indices.count * width + 8))
        out.withUnsafeMutableBytes { buffer in
            var at = start + 1
            for i in indices {
                buffer.storeBytes(of: value(i).littleEndian, toByteOffset: at, as: UInt64.self)
                at += width
            }
        }
        out.removeLast(8)
    }

    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) } }
    static func le64(_ value: Int) -> [UInt8] { le64(UInt64(value)) }

    private static func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    private static func jsonArray(_ texts: [String]) -> String { "[" + texts.map(jsonString).joined(separator: ", ") + "]" }
}

extension HeapGraph {
    /// A graph made from arrays (for generators and tests): object `i` has
    /// `addresses[i]`, type `typeNames[typeIDs[i]]`, `sizes[i]`, and referents
    /// `edgeTargets[edgeStarts[i]..<edgeStarts[i + 1]]` (object indices).
    package init(
        addresses: [UInt64], typeIDs: [UInt32], typeNames: [String], sizes: [UInt64],
        edgeStarts: [UInt32], edgeTargets: [UInt32], roots: [Root], metadata: SnapshotMetadata = SnapshotMetadata()
    ) {
        self.init(metadata: metadata)
        self.addresses = addresses
        self.typeIDs = typeIDs
        self.typeNames = typeNames
        self.sizes = SizeColumn(sizes)
        self.refcounts = [UInt32](repeating: 0, count: addresses.count)
        self.flags = [ObjectFlags](repeating: .gcTracked, count: addresses.count)
        self.edgeStarts = edgeStarts
        self.edgeTargets = edgeTargets
        self.roots = roots
        values.reserveObjects(addresses.count)
    }
}
