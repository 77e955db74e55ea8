public import SystemPackage

/// Why a file or folder memlens creates, reads or removes could not be used
/// safely: it names the path and the cause.
public struct FileSafetyError: Error, CustomStringConvertible, Sendable {
    /// The file or folder concerned.
    public let path: String
    /// What went wrong, in words.
    public let reason: String

    /// A failure at `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// A failed system call on `path`.
    static func system(_ path: String, _ what: String, _ errno: Errno) -> FileSafetyError {
        if errno == .tooManySymbolicLinkLevels || errno == .notDirectory {
            return FileSafetyError(path: path,
                reason: "\(what): it is a symbolic link or not what memlens made (refused; someone else may have planted it)")
        }
        if errno == .fileExists {
            return FileSafetyError(path: path, reason: "\(what): it already exists (memlens only creates new files here; refused)")
        }
        return FileSafetyError(path: path, reason: "\(what): \(errno)")
    }

    public var description: String { "\(path): \(reason)" }
}
