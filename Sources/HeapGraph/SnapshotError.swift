import SafeFiles
/// Why a snapshot file could not be read or written. Every case names the file; the
/// format cases also give the byte offset where reading stopped.
public struct SnapshotError: Error, CustomStringConvertible, Sendable {
    /// The file that failed.
    public let path: String
    /// Byte offset in the file where the problem is, when there is one.
    public let offset: Int?
    /// What went wrong, in words.
    public let reason: String

    /// A failure in `path` at `offset`.
    public init(path: String, offset: Int?, reason: String) {
        self.path = path
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset { return "\(path): \(reason) (at byte offset \(offset))" }
        return "\(path): \(reason)"
    }

    static func truncated(_ path: String, fileSize: Int, section: Int, needs: Int) -> SnapshotError {
        SnapshotError(
            path: path, offset: fileSize,
            reason: "truncated: the file ends at offset \(fileSize), inside the section that starts at offset \(section) and needs " +
                "\(needs) bytes; the dump did not finish or the file was cut"
        )
    }
}

extension SnapshotError {
    /// A file that could not be written safely (``FileSafetyError``), as a snapshot error naming the same path and reason.
    init(_ error: FileSafetyError) { self.init(path: error.path, offset: nil, reason: error.reason) }
}
