#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// An output file the user named, written under a new temporary name beside
/// it (`.NAME.RANDOM.tmp`, created with `O_CREAT|O_EXCL|O_NOFOLLOW`), flushed
/// to disk and renamed into place by ``commit()``: a reader never sees half a
/// file. A link at the destination is refused (as ``StreamOutput`` refuses
/// it), and a link planted later is replaced by the rename, never followed.
public final class AtomicOutput {
    /// The destination path.
    public let path: String
    /// The temporary file, open for writing.
    public let descriptor: FileDescriptor
    private let folder: Directory
    private let finalName: String
    private let temporaryName: String
    private var finished = false

    /// Starts writing `path` (created with `mode`, 0600 by default: outputs may hold user data).
    public init(path: String, mode: FilePermissions = .ownerReadWrite) throws(FileSafetyError) {
        (folder, finalName) = try Directory.openParent(of: path)
        self.path = path
        var existing = stat()
        if fstatat(folder.descriptor.rawValue, finalName, &existing, AT_SYMLINK_NOFOLLOW) == 0, existing.st_mode & S_IFMT == S_IFLNK {
            throw .system(path, "cannot create", .tooManySymbolicLinkLevels)
        }
        var created: (name: String, fd: Int32)?
        for _ in 0..<16 where created == nil {
            // `.tmp` last, as the agent names its own: one pattern for every snapshot in progress.
            let name = "." + finalName.prefix(200) + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36) + ".tmp"
            let fd = openat(folder.descriptor.rawValue, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode.rawValue)
            if fd >= 0 { created = (name, fd) } else if errno != EEXIST {
                throw .system(path, "cannot create a temporary file beside it", Errno(rawValue: errno))
            }
        }
        guard let created else { throw FileSafetyError(path: path, reason: "no free temporary name beside it after 16 tries") }
        _ = fchmod(created.fd, mode.rawValue)
        temporaryName = created.name
        descriptor = FileDescriptor(rawValue: created.fd)
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileSafetyError) {
        do { _ = try descriptor.writeAll(bytes) } catch {
            throw FileSafetyError(path: path, reason: "write failed: \(error)")
        }
    }

    /// Abandons a file neither committed nor abandoned.
    deinit { if !finished { abandon() } }

    /// Flushes the file to disk and renames it to ``path``.
    public func commit() throws(FileSafetyError) {
        precondition(!finished)
        finished = true
        let synced = fsync(descriptor.rawValue) == 0 ? nil : Errno(rawValue: errno)
        try? descriptor.close()
        if let synced {
            unlinkat(folder.descriptor.rawValue, temporaryName, 0)
            throw .system(path, "cannot flush to disk", synced)
        }
        guard renameat(folder.descriptor.rawValue, temporaryName, folder.descriptor.rawValue, finalName) == 0 else {
            let error = Errno(rawValue: errno)
            unlinkat(folder.descriptor.rawValue, temporaryName, 0)
            throw .system(path, "cannot rename the temporary file into place", error)
        }
    }

    /// Abandons the file: the temporary is removed and ``path`` left as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        try? descriptor.close()
        unlinkat(folder.descriptor.rawValue, temporaryName, 0)
    }

    /// Writes `bytes` to `path` at once.
    public static func write(_ bytes: some Collection<UInt8>, to path: String,
        mode: FilePermissions = .ownerReadWrite) throws(FileSafetyError) {
        let output = try AtomicOutput(path: path, mode: mode)
        let array = Array(bytes)
        do { _ = try array.withUnsafeBytes { try output.descriptor.writeAll($0) } } catch {
            output.abandon()
            throw FileSafetyError(path: path, reason: "write failed: \(error)")
        }
        try output.commit()
    }
}
