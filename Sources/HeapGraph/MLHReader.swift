import Foundation

/// Reads a `.mlh` snapshot section by section with one reusable buffer, so
/// the file is never held in memory whole.
struct MLHReader {
    let file: InputFile
    let contents: SnapshotContents
    private var path: String { file.path }

    init(file: InputFile, contents: SnapshotContents) {
        self.file = file
        self.contents = contents
    }

    func read() throws(SnapshotError) -> HeapGraph {
        let header = try file.read(at: 0, count: 16)
        guard header.count == 16 else {
            throw SnapshotError.truncated(path, fileSize: file.size, section: 0, needs: 16)
        }
        let version = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian }
        guard version >= 1 else {
            // No writer ever wrote version 0: the header is damaged, not old.
            throw SnapshotError(path: path, offset: 8, reason: "corrupt snapshot: format version 0 is not a version memlens " +
                "ever wrote (1–\(SnapshotFile.formatVersion))")
        }
        guard version <= SnapshotFile.formatVersion else {
            throw SnapshotError(
                path: path, offset: 8,
                reason: "snapshot format version \(version) is newer than this memlens reads (\(SnapshotFile.formatVersion)); " +
                    "upgrade memlens"
            )
        }
        let metaLength = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian })
        guard 16 + metaLength <= file.size else {
            throw SnapshotError.truncated(path, fileSize: file.size, section: 0, needs: 16 + metaLength)
        }
        let metaBytes = try file.read(at: 16, count: metaLength)
        var metadata: SnapshotMetadata
        do {
            metadata = try JSONDecoder().decode(SnapshotMetadata.self, from: Data(metaBytes))
        } catch {
            throw SnapshotError(path: path, offset: 16, reason: "corrupt snapshot: the metadata is not valid JSON")
        }
        metadata.source = "mlh"
        metadata.format = Int(version)
        var crc = CRC32()
        (header + metaBytes).withUnsafeBytes { crc.update($0) }

        let totals = try expectedTotals()
        var builder = HeapGraphBuilder(metadata: metadata, expectedObjects: totals.objects,
            expectedEdges: contents == .full ? totals.edges : 0)
        var offset = 16 + metaLength
        var buffer: [UInt8] = []
        var sectionHeader = [UInt8](repeating: 0, count: 5)
        var objectsSeen: UInt64 = 0
        var edgesSeen: UInt64 = 0
        var flagged = FlaggedCounts()
        while true {
            guard offset + 5 <= file.size else {
                if offset == file.size {
                    throw SnapshotError(
                        path: path, offset: offset,
                        reason: "truncated: the file ends at offset \(offset) before its END section; the dump did not finish or the " +
                            "file was cut"
                    )
                }
                throw SnapshotError.truncated(path, fileSize: file.size, section: offset, needs: 5)
            }
            try file.read(at: offset, into: &sectionHeader)
            let kind = sectionHeader[0]
            let length = Int(sectionHeader.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 1, as: UInt32.self).littleEndian })
            guard offset + 5 + length <= file.size else {
                throw SnapshotError.truncated(path, fileSize: file.size, section: offset, needs: 5 + length)
            }
            if buffer.count < length { buffer = [UInt8](repeating: 0, count: length) }
            if buffer.count != length { buffer.removeLast(buffer.count - length) }
            try file.read(at: offset + 5, into: &buffer)
            let payloadOffset = offset + 5
            if kind == SnapshotFile.Section.end.rawValue {
                try buffer.withBytes { (raw) throws(SnapshotError) in
                    var cursor = ByteCursor(raw, fileOffset: payloadOffset, path: path)
                    let objects = try cursor.u64(), edges = try cursor.u64(), stored = try cursor.u32()
                    guard stored == crc.value else {
                        throw SnapshotError(path: path, offset: offset,
                            reason: "corrupt snapshot: checksum mismatch (the file was modified after it was written)")
                    }
                    guard objects == objectsSeen, edges == edgesSeen else {
                        throw SnapshotError(path: path, offset: offset,
                            reason: "corrupt snapshot: END counts \(objects) objects and \(edges) edges, the file holds \(objectsSeen) " +
                            "and \(edgesSeen)")
                    }
                }
                break
            }
            sectionHeader.withUnsafeBytes { crc.update($0) }
            buffer.withUnsafeBytes { crc.update($0) }
            try buffer.withBytes { (raw) throws(SnapshotError) in
                var cursor = ByteCursor(raw, fileOffset: payloadOffset, path: path)
                switch SnapshotFile.Section(rawValue: kind) {
                case .types: try readTypes(&cursor, version: version, into: &builder)
                case .objects:
                    let counts = try readObjects(&cursor, into: &builder)
                    objectsSeen += counts.objects
                    edgesSeen += counts.edges
                    flagged.add(counts)
                case .roots: try readRoots(&cursor, into: &builder)
                case .closures: try readClosures(&cursor, into: &builder)
                case .attributes:
                    for record in try decodeRest([Closure].self, of: &cursor, section: "attributes") {
                        builder.addAttributeNames(address: record.address, names: record.names)
                    }
                case .locals:
                    for record in try decodeRest([Closure].self, of: &cursor, section: "locals") {
                        builder.addLocalNames(address: record.address, names: record.names)
                    }
                case .end, nil: break  // unknown sections are skipped: newer writers may add some
                }
            }
            offset += 5 + length
        }
        if metadata.method == "read-only" { flagged.fill(&builder.metadata) }
        return builder.finish()
    }

    /// What a read-only snapshot's chunk flags say: objects whose referents come from a
    /// conservative scan (and those edges), objects whose size is approximate (and their bytes).
    private struct FlaggedCounts {
        var conservativeObjects = 0, conservativeEdges = 0, approximateSizes = 0
        var approximateBytes: UInt64 = 0

        mutating func add(_ chunk: (objects: UInt64, edges: UInt64, flags: ObjectFlags, sizeBytes: UInt64)) {
            if chunk.flags.contains(.conservativeReferents) {
                conservativeObjects += Int(chunk.objects)
                conservativeEdges += Int(chunk.edges)
            }
            if chunk.flags.contains(.approximateSize) {
                approximateSizes += Int(chunk.objects)
                approximateBytes = MLHReader.saturatedSum(approximateBytes, chunk.sizeBytes)
            }
        }

        func fill(_ metadata: inout SnapshotMetadata) {
            metadata.conservativeObjects = conservativeObjects
            metadata.conservativeEdges = conservativeEdges
            metadata.approximateSizes = approximateSizes
            metadata.approximateBytes = approximateBytes
        }
    }

    /// Object and edge counts from the END section (the file's last 25 bytes),
    /// to size arrays once; bounded by the file size so a corrupt trailer
    /// cannot ask for absurd allocations. Falls back to a guess from the size.
    private func expectedTotals() throws(SnapshotError) -> (objects: Int, edges: Int) {
        let guess = (objects: max(1024, file.size / 32), edges: max(1024, file.size / 32))
        guard file.size >= 16 + 25 else { return guess }
        let tail = try file.read(at: file.size - 25, count: 25)
        guard tail[0] == SnapshotFile.Section.end.rawValue else { return guess }
        return tail.withUnsafeBytes { raw in
            let objects = Int(clamping: raw.loadUnaligned(fromByteOffset: 5, as: UInt64.self).littleEndian)
            let edges = Int(clamping: raw.loadUnaligned(fromByteOffset: 13, as: UInt64.self).littleEndian)
            // An object takes at least a byte in each of its six columns, an edge at least one byte.
            return (min(objects, file.size / 6), min(edges, file.size))
        }
    }

    private func readTypes(_ cursor: inout ByteCursor, version: UInt32, into builder: inout HeapGraphBuilder) throws(SnapshotError) {
        let count = Int(try cursor.u32())
        for _ in 0..<count {
            let length = Int(try cursor.u16())
            let name = String(decoding: try cursor.take(length), as: UTF8.self)
            builder.appendType(name, address: version >= 2 ? try cursor.u64() : nil)
        }
    }

    private func readClosures(_ cursor: inout ByteCursor, into builder: inout HeapGraphBuilder) throws(SnapshotError) {
        for record in try decodeRest([Closure].self, of: &cursor, section: "closures") {
            builder.addClosure(address: record.address, names: record.names)
        }
    }

    /// The rest of a section, decoded as JSON.
    private func decodeRest<T: Decodable>(_ type: T.Type, of cursor: inout ByteCursor, section: String) throws(SnapshotError) -> T {
        let start = cursor.position
        let bytes = try cursor.take(cursor.remaining)
        guard let value = try? JSONDecoder().decode(type, from: Data(bytes)) else {
            cursor.position = start
            throw cursor.corrupt("the \(section) section is not valid JSON")
        }
        return value
    }

    /// `[address, [names]]` as the agent writes it.
    private struct Closure: Decodable {
        var address: UInt64
        var names: [String]
        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            address = try container.decode(UInt64.self)
            names = try container.decode([String].self)
        }
    }

    /// `a + b`, or `UInt64.max` when that does not fit: sizes read from a file are untrusted.
    private static func saturatedSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    private func readObjects(
        _ cursor: inout ByteCursor, into builder: inout HeapGraphBuilder
    ) throws(SnapshotError) -> (objects: UInt64, edges: UInt64, flags: ObjectFlags, sizeBytes: UInt64) {
        let count = Int(try cursor.u32())
        let bias = UInt64(try cursor.u32())
        let flags = try cursor.u8()
        let addresses = try cursor.column(count: count)
        let types = try cursor.column(count: count)
        let sizes = try cursor.column(count: count)
        let refcounts = try cursor.column(count: count)
        let referentCounts = try cursor.column(count: count)
        let edgeCount = Int(try cursor.u32())
        let edges = try cursor.column(count: edgeCount)
        let typeCount = UInt64(builder.typeCount)
        var local = [Int](repeating: 0, count: count)
        var edge = 0
        var sizeBytes: UInt64 = 0  // the chunk's, for the approximate bytes
        for i in 0..<count {
            let n = Int(clamping: referentCounts[i])  // 8-byte columns hold values past Int.max
            guard n <= edgeCount - edge else { throw cursor.corrupt("object \(i) of a chunk claims more referents than the chunk has") }
            let type = types[i]
            guard type < typeCount else { throw cursor.corrupt("type id \(type) is not defined") }
            let refcount = refcounts[i]
            sizeBytes = Self.saturatedSum(sizeBytes, sizes[i])
            local[i] = builder.addObject(
                address: addresses[i], typeID: UInt32(type), size: sizes[i],
                refcount: UInt32(clamping: refcount > bias ? refcount - bias : 0), flags: ObjectFlags(rawValue: flags)
            )
            if contents == .full {
                builder.closeObject(referents: (edge..<edge + n).lazy.map { edges[$0] })
            } else {
                builder.closeObject(referents: EmptyCollection())
            }
            edge += n
        }
        guard edge == edgeCount else { throw cursor.corrupt("a chunk has \(edgeCount - edge) referents that belong to no object") }
        if cursor.remaining > 0, contents == .full { try readValues(&cursor, local: local, into: &builder) }
        return (UInt64(count), UInt64(edgeCount), ObjectFlags(rawValue: flags), sizeBytes)
    }

    private func readValues(_ cursor: inout ByteCursor, local: [Int], into builder: inout HeapGraphBuilder) throws(SnapshotError) {
        for kind in [ValueStore.Kind.text, .bytes] {
            let count = Int(try cursor.u32())
            let positions = try cursor.column(count: count)
            let lengths = try cursor.column(count: count)
            let headLengths = try cursor.column(count: count)
            let blob = try cursor.take(Int(try cursor.u32()))
            var start = 0
            for j in 0..<count {
                let head = Int(clamping: headLengths[j])
                let byteCount = kind == .text ? utf8Length(of: head, in: blob, from: start) : head
                guard byteCount <= blob.count - start else { throw cursor.corrupt("value text runs past its section") }
                let position = Int(clamping: positions[j])
                guard position < local.count else { throw cursor.corrupt("value for object \(position) outside its chunk") }
                builder.setData(kind, UnsafeRawBufferPointer(rebasing: blob[start..<start + byteCount]), length: Int(clamping: lengths[j]),
                    for: local[position])
                start += byteCount
            }
        }
        for kind in [ValueStore.Kind.int, .float] {
            let count = Int(try cursor.u32())
            let positions = try cursor.column(count: count)
            let numbers = try cursor.take(count * 8)
            for j in 0..<count {
                let position = Int(clamping: positions[j])
                guard position < local.count else { throw cursor.corrupt("value for object \(position) outside its chunk") }
                let bits = numbers.loadUnaligned(fromByteOffset: j * 8, as: UInt64.self).littleEndian
                builder.setNumber(kind, bits: bits, for: local[position])
            }
        }
    }

    /// Bytes taken by `characters` code points of UTF-8 (or surrogate-passing UTF-8) from `start`.
    private func utf8Length(of characters: Int, in blob: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        var seen = 0
        while i < blob.count {
            if blob[i] & 0xC0 != 0x80 {
                if seen == characters { break }
                seen += 1
            }
            i += 1
        }
        return i - start
    }

    private struct RootRecord: Decodable {
        var address: UInt64
        var kind: String
        var name: String
    }

    private func readRoots(_ cursor: inout ByteCursor, into builder: inout HeapGraphBuilder) throws(SnapshotError) {
        for record in try decodeRest([RootRecord].self, of: &cursor, section: "roots") {
            builder.addRoot(address: record.address, kind: record.kind, name: record.name)
        }
    }
}
