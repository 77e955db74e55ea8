#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A folder memlens made for its own use (``Directory/makeFolder(prefix:mode:owner:)``):
/// new, with a random name, mode 0700 unless asked otherwise. The caller
/// removes it with ``remove()`` when done.
public struct PrivateFolder: Sendable {
    /// Its name in ``parent``.
    public let name: String
    /// The folder it was made in.
    public let parent: Directory
    /// The folder itself, held open.
    public let directory: Directory

    /// Its path, for messages and for handing to a child process.
    public var path: String { directory.path }

    /// Creates a new private folder in the temporary folder (`$TMPDIR` or `/tmp`).
    public static func create(prefix: String) throws(FileSafetyError) -> PrivateFolder {
        try Directory.temporary().makeFolder(prefix: prefix)
    }

    /// Removes the folder and everything in it (through descriptors, never following a link).
    public func remove() {
        parent.removeItem(name)
    }

    /// Removes the folder if nothing is in it (rmdir: a folder with files stays).
    public func removeIfEmpty() {
        unlinkat(parent.descriptor.rawValue, name, AT_REMOVEDIR)
    }
}
