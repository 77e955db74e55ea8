import Foundation

/// The sections of a `.mlh` snapshot after its header: types, object chunks (with their
/// values), roots, closures, attribute and local names.
extension MLHReader {
    /// What the sections read so far hold, checked against the END section.
    struct SectionTally {
        var objects: UInt64 = 0
        var edges: UInt64 = 0
        var flagged = FlaggedCounts()
    }

    /// Reads one section of kind `kind` from `cursor` into `builder`, counting its objects
    /// and edges in `tally`. Unknown kinds are skipped: newer writers may add some.
    func readSection(
        _ kind: UInt8, _ cursor: inout ByteCursor, version: UInt32, into builder: inout HeapGraphBuilder, tally: inout SectionTally
    ) throws(SnapshotError) {
        switch SnapshotFile.Section(rawValue: kind) {
        case .types: try readTypes(&cursor, version: version, into: &builder)
        case .objects:
            let counts = try readObjects(&cursor, into: &builder)
            tally.objects += counts.objects
            tally.edges += counts.edges
            tally.flagged.add(counts)
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

    /// What a read-only snapshot's chunk flags say: objects whose referents come from a
    /// conservative scan (and those edges), objects whose size is approximate (and their bytes),
    /// and the bytes of objects that own buffers.
    struct FlaggedCounts {
        var conservativeObjects = 0, conservativeEdges = 0, approximateSizes = 0
        var approximateBytes: UInt64 = 0, bufferOwnerBytes: UInt64 = 0

        mutating func add(_ chunk: (objects: UInt64, edges: UInt64, flags: ObjectFlags, sizeBytes: UInt64)) {
            if chunk.flags.contains(.conservativeReferents) {
                conservativeObjects += Int(chunk.objects)
                conservativeEdges += Int(chunk.edges)
            }
            if chunk.flags.contains(.approximateSize) {
                approximateSizes += Int(chunk.objects)
                approximateBytes = MLHReader.saturatedSum(approximateBytes, chunk.sizeBytes)
            }
            if chunk.flags.contains(.ownsBuffer) { bufferOwnerBytes = MLHReader.saturatedSum(bufferOwnerBytes, chunk.sizeBytes) }
        }

        func fill(_ metadata: inout SnapshotMetadata) {
            metadata.conservativeObjects = conservativeObjects
            metadata.conservativeEdges = conservativeEdges
            metadata.approximateSizes = approximateSizes
            metadata.approximateBytes = approximateBytes
            metadata.bufferOwnerBytes = bufferOwnerBytes
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
