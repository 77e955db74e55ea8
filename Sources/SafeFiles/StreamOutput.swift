#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// An output file the user named that is written while memlens runs (a
/// stream a reader may tail, such as `watch --jsonl`): created new, with
/// `O_CREAT|O_EXCL|O_NOFOLLOW` through the folder's descriptor, so an existing
/// file or a link planted at that name is an error, never overwritten or
/// followed. Each ``write(_:)`` goes straight to the file (no buffer in memlens).
///
/// ``AtomicOutput``'s temporary name and rename cannot serve a stream: nobody
/// could read it before the end. What a stream gives up instead is
/// all-or-nothing: if memlens is killed, the file holds what was written so far
/// (whole lines, each one `write`), which is what a stream's reader expects.
public final class StreamOutput {
    /// The file's path, for messages.
    public let path: String
    private let descriptor: FileDescriptor
    private var closed = false

    /// Creates `path` (0600 by default: outputs may hold user data).
    public init(path: String, mode: FilePermissions = .ownerReadWrite) throws(FileSafetyError) {
        let (folder, name) = try Directory.openParent(of: path)
        let fd = openat(folder.descriptor.rawValue, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_APPEND, mode.rawValue)
        guard fd >= 0 else { throw .system(path, "cannot create", Errno(rawValue: errno)) }
        _ = fchmod(fd, mode.rawValue)  // the umask does not decide what others may read
        self.path = path
        descriptor = FileDescriptor(rawValue: fd)
    }

    /// Appends `bytes` at once.
    public func write(_ bytes: some Collection<UInt8>) throws(FileSafetyError) {
        precondition(!closed)
        do { _ = try Array(bytes).withUnsafeBytes { try descriptor.writeAll($0) } } catch {
            throw FileSafetyError(path: path, reason: "write failed: \(error)")
        }
    }

    /// Flushes the file to disk and closes it.
    public func close() throws(FileSafetyError) {
        guard !closed else { return }
        closed = true
        let synced = fsync(descriptor.rawValue) == 0 ? nil : Errno(rawValue: errno)
        try? descriptor.close()
        if let synced { throw .system(path, "cannot flush to disk", synced) }
    }

    deinit { if !closed { try? descriptor.close() } }
}
