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
        let start = try readHeader()
        let totals = try expectedTotals()
        var builder = HeapGraphBuilder(metadata: start.metadata, expectedObjects: totals.objects,
            expectedEdges: contents == .full ? totals.edges : 0)
        var crc = start.crc
        var offset = start.sectionsOffset
        var buffer: [UInt8] = []
        var sectionHeader = [UInt8](repeating: 0, count: 5)
        var tally = SectionTally()
        while true {
            let kind = try loadSection(at: offset, header: &sectionHeader, payload: &buffer)
            let payloadOffset = offset + 5
            if kind == SnapshotFile.Section.end.rawValue {
                try checkEnd(buffer, at: offset, crc: crc, tally: tally)
                break
            }
            sectionHeader.withUnsafeBytes { crc.update($0) }
            buffer.withUnsafeBytes { crc.update($0) }
            try buffer.withBytes { (raw) throws(SnapshotError) in
                var cursor = ByteCursor(raw, fileOffset: payloadOffset, path: path)
                try readSection(kind, &cursor, version: start.version, into: &builder, tally: &tally)
            }
            offset += 5 + buffer.count
        }
        if start.metadata.method == "read-only" { tally.flagged.fill(&builder.metadata) }
        return builder.finish()
    }

    /// The 16-byte header and the JSON metadata after it: the format version (checked
    /// against what this memlens reads), the metadata, the CRC of both, and where the
    /// first section starts.
    private func readHeader() throws(SnapshotError)
        -> (version: UInt32, metadata: SnapshotMetadata, crc: CRC32, sectionsOffset: Int) {
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
        return (version, metadata, crc, 16 + metaLength)
    }

    /// Reads the section at `offset` into `header` (kind and length) and `payload`
    /// (resized to the length, reusing its storage); returns the kind.
    private func loadSection(at offset: Int, header sectionHeader: inout [UInt8], payload buffer: inout [UInt8])
        throws(SnapshotError) -> UInt8 {
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
        return kind
    }

    /// Checks the END section at `offset` (its payload in `payload`): the checksum of
    /// everything before it and the object and edge counts the sections held.
    private func checkEnd(_ payload: [UInt8], at offset: Int, crc: CRC32, tally: SectionTally) throws(SnapshotError) {
        try payload.withBytes { (raw) throws(SnapshotError) in
            var cursor = ByteCursor(raw, fileOffset: offset + 5, path: path)
            let objects = try cursor.u64(), edges = try cursor.u64(), stored = try cursor.u32()
            guard stored == crc.value else {
                throw SnapshotError(path: path, offset: offset,
                    reason: "corrupt snapshot: checksum mismatch (the file was modified after it was written)")
            }
            guard objects == tally.objects, edges == tally.edges else {
                throw SnapshotError(path: path, offset: offset,
                    reason: "corrupt snapshot: END counts \(objects) objects and \(edges) edges, the file holds \(tally.objects) " +
                    "and \(tally.edges)")
            }
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
}
