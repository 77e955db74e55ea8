#if canImport(Glibc)
import Glibc
#endif
import ProcFS
public import SystemPackage

/// A folder held open by descriptor. Every name inside it is one path
/// component resolved against that descriptor and never through a symbolic
/// link, so another user who can write to the folder cannot redirect
/// memlens's creates, reads or removals elsewhere.
///
/// The descriptor is closed when the value is released.
public final class Directory: Sendable {
    /// The folder's path, for messages (the descriptor is what is used).
    public let path: String
    /// The open descriptor (`O_DIRECTORY`).
    public let descriptor: FileDescriptor

    init(path: String, descriptor: FileDescriptor) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { try? descriptor.close() }

    /// Opens the folder `path`. Its last component must not be a symbolic
    /// link unless `followingLink` (a folder the user named themselves).
    /// - Throws: ``FileSafetyError`` naming the path.
    public static func open(_ path: String, followingLink: Bool = false) throws(FileSafetyError) -> Directory {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followingLink ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw .system(path, "cannot open the folder", Errno(rawValue: errno)) }
        return Directory(path: path, descriptor: FileDescriptor(rawValue: fd))
    }

    /// The folder of an output file the user named, and the file's name in
    /// it. Links on the way are followed only when root or this user owns
    /// them (``openResolvingTrustedLinks(_:)``).
    static func openParent(of path: String) throws(FileSafetyError) -> (folder: Directory, name: String) {
        let slash = path.lastIndex(of: "/")
        let parent = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else { throw FileSafetyError(path: path, reason: "not a file name") }
        return (try openResolvingTrustedLinks(parent), name)
    }

    /// The temporary folder: `$TMPDIR` if set to an absolute path, else `/tmp`.
    /// memlens puts code there that a child process or gdb opens by name, so
    /// it is refused unless only root and this user could swap entries in it
    /// or in a folder above it (``FolderTrust``): another user's `TMPDIR`
    /// could otherwise replace a folder memlens made with his own.
    public static func temporary() throws(FileSafetyError) -> Directory {
        let environment = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        var path = environment.hasPrefix("/") ? String(environment.reversed().drop { $0 == "/" }.reversed()) : "/tmp"
        if path.isEmpty { path = "/" }
        let checked = try FolderTrust.check(path, trusting: [geteuid()], role: "temporary folder")
        let folder = try open(path, followingLink: true)  // the user's own setting
        guard FolderTrust.isSame(folder.descriptor.rawValue, as: checked) else {
            throw FileSafetyError(path: path, reason: "the temporary folder changed while memlens checked it (refused)")
        }
        return folder
    }

    /// The `/tmp` of process `pid` as that process sees it (its root may be a
    /// container's): `tmp` is resolved inside `/proc/PID/root` as one
    /// component, so a `/tmp` that is a symbolic link there is refused rather
    /// than followed on this side of the container.
    public static func temporary(ofProcess pid: Int32) throws(FileSafetyError) -> Directory {
        let rootPath = ProcPaths.root(pid: pid)
        let root = Glibc.open(rootPath, openPath | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { throw .system(rootPath, "cannot open the process's root folder", Errno(rawValue: errno)) }
        defer { close(root) }
        let fd = openat(root, "tmp", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .system(rootPath + "/tmp", "cannot open the process's /tmp", Errno(rawValue: errno)) }
        let folder = Directory(path: rootPath + "/tmp", descriptor: FileDescriptor(rawValue: fd))
        // The target runs what memlens puts there: only root, memlens's user
        // and the target's own user may be able to swap it.
        var process = stat(), rootInfo = stat(), tmpInfo = stat()
        guard stat(ProcPaths.directory(pid: pid), &process) == 0, fstat(root, &rootInfo) == 0, fstat(fd, &tmpInfo) == 0 else {
            throw .system(folder.path, "cannot check the process's /tmp", Errno(rawValue: errno))
        }
        let users: Set<UInt32> = [geteuid(), UInt32(process.st_uid)]
        let hint = "the process's /tmp must be writable only by root and its own user, or sticky"
        try FolderTrust.checkStatus(rootInfo, of: "/", trusting: users, path: folder.path, role: "process's /tmp", hint: hint)
        try FolderTrust.checkStatus(tmpInfo, of: "/tmp", trusting: users, path: folder.path, role: "process's /tmp", hint: hint)
        return folder
    }

    /// Creates a new folder here named `prefix-RANDOM` (64 random bits) with
    /// `mode`, failing rather than reusing one that exists, and checks that
    /// what was opened is the folder just made. With `owner`, hands it to that
    /// user and group afterwards (a target that must write into it).
    public func makeFolder(prefix: String, mode: FilePermissions = .ownerReadWriteExecute,
        owner: (uid: UInt32, gid: UInt32)? = nil) throws(FileSafetyError) -> PrivateFolder {
        for _ in 0..<16 {
            let name = prefix + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            if mkdirat(descriptor.rawValue, name, mode.rawValue) != 0 {
                if errno == EEXIST { continue }
                throw .system(path + "/" + name, "cannot create the folder", Errno(rawValue: errno))
            }
            let fd = openat(descriptor.rawValue, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw .system(path + "/" + name, "cannot open the folder just created", Errno(rawValue: errno)) }
            let folder = PrivateFolder(name: name, parent: self,
                directory: Directory(path: path + "/" + name, descriptor: FileDescriptor(rawValue: fd)))
            var info = stat()
            guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid(), fchmod(fd, mode.rawValue) == 0 else {
                folder.remove()
                throw FileSafetyError(path: folder.path, reason: "the folder just created is not this user's (refused)")
            }
            if let owner, fchown(fd, owner.uid, owner.gid) != 0 {
                let error = Errno(rawValue: errno)
                folder.remove()
                throw .system(folder.path, "cannot hand the folder to uid \(owner.uid)", error)
            }
            return folder
        }
        throw FileSafetyError(path: path, reason: "cannot find a free name for a new folder after 16 tries")
    }

    /// Creates the new file `name` holding `contents` (`O_CREAT|O_EXCL|O_NOFOLLOW`):
    /// an existing file or link of that name is an error, never overwritten.
    public func createFile(_ name: String, contents: some Collection<UInt8>,
        mode: FilePermissions = .ownerReadWrite) throws(FileSafetyError) {
        let fd = openat(descriptor.rawValue, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode.rawValue)
        guard fd >= 0 else { throw .system(path + "/" + name, "cannot create", Errno(rawValue: errno)) }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        do {
            _ = fchmod(fd, mode.rawValue)  // the umask does not decide what others may read
            _ = try Array(contents).withUnsafeBytes { try file.writeAll($0) }
        } catch {
            throw FileSafetyError(path: path + "/" + name, reason: "write failed: \(error)")
        }
    }

    /// Creates the folder `name` here (a subfolder of a folder memlens made).
    public func createSubfolder(_ name: String, mode: FilePermissions = .ownerReadWriteExecute) throws(FileSafetyError) -> Directory {
        guard mkdirat(descriptor.rawValue, name,
            mode.rawValue) == 0 else { throw .system(path + "/" + name, "cannot create the folder", Errno(rawValue: errno)) }
        let fd = openat(descriptor.rawValue, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .system(path + "/" + name, "cannot open the folder", Errno(rawValue: errno)) }
        _ = fchmod(fd, mode.rawValue)
        return Directory(path: path + "/" + name, descriptor: FileDescriptor(rawValue: fd))
    }

    /// Whether `name` exists here (a link counts as existing, and is not followed).
    public func contains(_ name: String) -> Bool {
        var info = stat()
        return fstatat(descriptor.rawValue, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// Opens the regular file `name` for reading. A link, a FIFO, a device
    /// or a folder of that name is refused (`O_NOFOLLOW|O_NONBLOCK`, then
    /// `fstat`), so a planted name can neither redirect nor block the read.
    /// Returns the descriptor (the caller closes it) and the file's size.
    public func openRegularFile(_ name: String) throws(FileSafetyError) -> (descriptor: FileDescriptor, sizeBytes: Int) {
        let fd = openat(descriptor.rawValue, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw .system(path + "/" + name, "cannot open", Errno(rawValue: errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileSafetyError(path: path + "/" + name, reason: "not a regular file (refused)")
        }
        return (FileDescriptor(rawValue: fd), Int(info.st_size))
    }

    /// Reads the regular file `name` whole, refusing one larger than `limitBytes`.
    public func readRegularFile(_ name: String, limitBytes: Int) throws(FileSafetyError) -> [UInt8] {
        let (file, size) = try openRegularFile(name)
        defer { try? file.close() }
        guard size <= limitBytes else {
            throw FileSafetyError(path: path + "/" + name,
                reason: "\(size) bytes, more than the \(limitBytes) memlens accepts here (refused)")
        }
        var bytes = [UInt8](repeating: 0, count: limitBytes + 1)
        var filled = 0
        while filled <= limitBytes {
            let count: Int
            do {
                count = try bytes.withUnsafeMutableBytes { raw in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[filled...]), retryOnInterrupt: true)
                }
            } catch {
                throw FileSafetyError(path: path + "/" + name, reason: "read failed: \(error)")
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limitBytes else {
            throw FileSafetyError(path: path + "/" + name, reason: "grew past the \(limitBytes) bytes memlens accepts here (refused)")
        }
        return Array(bytes[..<filled])
    }

    /// Removes `name` here if it is a file or link (never following it), or,
    /// if it is a folder, everything in it and then the folder, at most
    /// `depth` levels down. Best effort: what cannot be removed stays.
    public func removeItem(_ name: String, depth: Int = 8) {
        if unlinkat(descriptor.rawValue, name, 0) == 0 { return }
        guard depth > 0 else { return }
        let fd = openat(descriptor.rawValue, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return }
        let inner = Directory(path: path + "/" + name, descriptor: FileDescriptor(rawValue: fd))
        for entry in inner.entries() { inner.removeItem(entry, depth: depth - 1) }
        unlinkat(descriptor.rawValue, name, AT_REMOVEDIR)
    }

    /// The names in this folder, without `.` and `..`.
    public func entries() -> [String] {
        let fd = dup(descriptor.rawValue)
        guard fd >= 0, let listing = fdopendir(fd) else {
            if fd >= 0 { close(fd) }
            return []
        }
        defer { closedir(listing) }
        rewinddir(listing)
        var names: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// Linux's `O_PATH` (not exported by the Glibc module): a descriptor that only names a place.
private let openPath: Int32 = 0o10000000
