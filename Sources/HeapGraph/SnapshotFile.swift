import SafeFiles
import SystemPackage

/// The `.mlh` format's constants; `python/memlens/snapshot.py` writes it.
public enum SnapshotFile {
    /// The first eight bytes of every `.mlh` file.
    public static let magic: [UInt8] = [0x89, 0x4D, 0x4C, 0x48, 0x0D, 0x0A, 0x1A, 0x0A]
    /// The newest format version this reader understands.
    public static let formatVersion: UInt32 = 2

    enum Section: UInt8 {
        case types = 1, objects = 2, roots = 3, closures = 4, attributes = 5, locals = 6, end = 255
    }
}

/// The formats a snapshot can be read from, recognised by content.
public enum SnapshotFormat: String, Sendable, CaseIterable {
    /// memlens's own binary format.
    case mlh
    /// meliae's JSON lines (one object per line).
    case meliae

    /// Recognises a format from the first bytes of a file; nil if neither.
    public static func detect(_ prefix: some Collection<UInt8>) -> SnapshotFormat? {
        if prefix.starts(with: SnapshotFile.magic) { return .mlh }
        let text = prefix.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if text.first == UInt8(ascii: "{"), String(decoding: text.prefix(200), as: UTF8.self).contains("\"address\"") {
            return .meliae
        }
        return nil
    }

    /// A guess at what a file that is not a snapshot is, for error messages.
    static func describe(_ prefix: [UInt8]) -> String {
        if prefix.isEmpty { return "it is empty" }
        if prefix.starts(with: [0x1F, 0x8B]) { return "it is gzip-compressed (decompress it first)" }
        if prefix.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return "it is an ELF binary or core file" }
        if prefix.starts(with: Array("SQLite format".utf8)) { return "it is an SQLite database" }
        if prefix.starts(with: [0x50, 0x4B]) { return "it is a zip archive" }
        if prefix.starts(with: Array("{\"".utf8)) || prefix.first == UInt8(ascii: "[") {
            return "it is JSON but not a meliae dump (no \"address\" key on its first line)"
        }
        if prefix.allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) }) {
            return "it is text that starts with \"\(String(decoding: prefix.prefix(24), as: UTF8.self))\""
        }
        return "its first bytes are \(prefix.prefix(8).map { String($0, radix: 16) }.joined(separator: " "))"
    }
}

/// How much of a snapshot to keep in memory.
public enum SnapshotContents: Sendable, Equatable {
    /// Objects, edges, values, roots: everything.
    case full
    /// Objects only (address, type, size, refcount, flags): no edges and no
    /// values, for reports by type. The file is still read and checked whole.
    case objects
}

/// Loads snapshots of either format.
public enum SnapshotLoader {
    /// Reads the snapshot at `path`, whatever its format.
    /// - Throws: `SnapshotError` naming the file (and the offset, for a bad or truncated file).
    public static func load(path: String, contents: SnapshotContents = .full) throws(SnapshotError) -> HeapGraph {
        let file = try InputFile(path: path)
        defer { file.close() }
        let prefix = try file.read(at: 0, count: 256)
        switch SnapshotFormat.detect(prefix) {
        case .mlh: return try MLHReader(file: file, contents: contents).read()
        case .meliae: return try MeliaeReader.read(file: file, contents: contents)
        case nil:
            // A file cut inside the magic is a truncated snapshot, not a foreign file.
            if !prefix.isEmpty, prefix.count < SnapshotFile.magic.count, SnapshotFile.magic.starts(with: prefix) {
                throw SnapshotError(
                    path: path, offset: prefix.count,
                    reason: "truncated: the file ends at offset \(prefix.count), inside the 8-byte .mlh signature; the dump did not " +
                        "finish or the file was cut"
                )
            }
            throw SnapshotError(
                path: path, offset: nil,
                reason: "not a memlens snapshot (.mlh) or meliae JSON dump: \(SnapshotFormat.describe(prefix))"
            )
        }
    }
}

/// A file opened for positioned reads, with errors that name it.
struct InputFile {
    let path: String
    let descriptor: FileDescriptor
    let size: Int

    init(path: String) throws(SnapshotError) {
        self.path = path
        do {
            // Never blocks: a FIFO or a device is refused before anything is read.
            (descriptor, size) = try RegularFile.open(path)
        } catch {
            throw SnapshotError(path: path, offset: nil, reason: error.reason)
        }
    }

    func close() { try? descriptor.close() }

    /// Up to `count` bytes from `offset` (fewer at the end of the file).
    func read(at offset: Int, count: Int) throws(SnapshotError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(0, min(count, size - offset)))
        try read(at: offset, into: &buffer)
        return buffer
    }

    /// Fills `buffer` from `offset`; the caller has checked the file is long enough.
    func read(at offset: Int, into buffer: inout [UInt8]) throws(SnapshotError) {
        var done = 0
        let total = buffer.count
        do {
            try buffer.withUnsafeMutableBytes { raw in
                while done < total {
                    let n = try descriptor.read(
                        fromAbsoluteOffset: Int64(offset + done),
                        into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]),
                        retryOnInterrupt: true
                    )
                    if n == 0 { break }
                    done += n
                }
            }
        } catch {
            throw SnapshotError(path: path, offset: offset + done, reason: "read failed: \(error)")
        }
        guard done == total else {
            throw SnapshotError(path: path, offset: offset + done, reason: "the file shrank while being read")
        }
    }
}
