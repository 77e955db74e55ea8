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
                emit([kind.rawValue] + le32(payload.count))
                emit(payload)
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
            while start < graph.count {
                let flags = graph.flags[start]
                var end = start + 1
                while end < min(start + chunkObjects, graph.count), graph.flags[end] == flags { end += 1 }
                section(.objects, objectsPayload(graph, start..<end, flags: flags))
                try out.flushIfFull()
                start = end
            }
            for (kind, names) in [(SnapshotFile.Section.closures, graph.closureNames),
                (.attributes, graph.attributeNames)] where !names.isEmpty {
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

    private static func objectsPayload(_ graph: HeapGraph, _ range: Range<Int>, flags: ObjectFlags) -> [UInt8] {
        let edges = Int(graph.edgeStarts[range.lowerBound])..<Int(graph.edgeStarts[range.upperBound])
        var payload = le32(range.count) + le32(0) + [flags.rawValue]
        payload += column(range.map { graph.addresses[$0] })
        payload += column(range.map { UInt64(graph.typeIDs[$0]) })
        payload += column(range.map { graph.sizes[$0] })
        payload += column(range.map { UInt64(graph.refcounts[$0]) })
        payload += column(range.map { UInt64(graph.edgeStarts[$0 + 1] - graph.edgeStarts[$0]) })
        payload += le32(edges.count) + column(edges.map { graph.addresses[Int(graph.edgeTargets[$0])] })
        var text: [(Int, String, Int)] = [], bytes: [(Int, [UInt8], Int)] = [], ints: [(Int, Int64)] = [], floats: [(Int, Double)] = []
        for i in range {
            switch graph.values.value(of: i) {
            case .text(let s, let length)?: text.append((i - range.lowerBound, s, length))
            case .bytes(let b, let length)?: bytes.append((i - range.lowerBound, b, length))
            case .int(let v)?: ints.append((i - range.lowerBound, v))
            case .float(let v)?: floats.append((i - range.lowerBound, v))
            case nil: break
            }
        }
        let textBlobs = text.map { Array($0.1.utf8) }
        payload += le32(text.count) + column(text.map { UInt64($0.0) }) + column(text.map { UInt64($0.2) })
            + column(text.map { UInt64($0.1.unicodeScalars.count) })
            + le32(textBlobs.reduce(0) { $0 + $1.count }) + textBlobs.flatMap { $0 }
        payload += le32(bytes.count) + column(bytes.map { UInt64($0.0) }) + column(bytes.map { UInt64($0.2) })
            + column(bytes.map { UInt64($0.1.count) }) + le32(bytes.reduce(0) { $0 + $1.1.count }) + bytes.flatMap { $0.1 }
        payload += le32(ints.count) + column(ints.map { UInt64($0.0) }) + ints.flatMap { le64(UInt64(bitPattern: $0.1)) }
        payload += le32(floats.count) + column(floats.map { UInt64($0.0) }) + floats.flatMap { le64($0.1.bitPattern) }
        return payload
    }

    /// A column: u8 width, then the values little-endian at that width.
    static func column(_ values: [UInt64]) -> [UInt8] {
        let top = values.max() ?? 0
        let width = top < 1 << 8 ? 1 : top < 1 << 16 ? 2 : top < 1 << 32 ? 4 : top < 1 << 48 ? 6 : 8
        let size = 1 + values.count * width
        // Each value is stored as 8 little-endian bytes at its place; the next overwrites the excess.
        var out = [UInt8](unsafeUninitializedCapacity: size + 8) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            base[0] = UInt8(width)
            var at = UnsafeMutableRawPointer(base + 1)
            for value in values {
                at.storeBytes(of: value.littleEndian, as: UInt64.self)
                at += width
            }
            initialized = size
        }
        out.reserveCapacity(size)
        return out
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
