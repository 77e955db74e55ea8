#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// Opening a file the user named as input (a snapshot, a core, an
/// executable): only a regular file is read. The open never blocks — a FIFO
/// would wait forever for a writer, a device or a terminal for input — because
/// it is made with `O_NONBLOCK` and the type is checked with `fstat` before
/// anything is read. A symbolic link is followed (the user named it).
public enum RegularFile {
    /// Opens `path` for reading (positioned reads; the descriptor is
    /// blocking again once it is known to be a regular file). Returns the
    /// descriptor, which the caller closes, and the file's size.
    /// - Throws: ``FileSafetyError`` naming the path: cannot open, or not a regular file.
    public static func open(_ path: String) throws(FileSafetyError) -> (descriptor: FileDescriptor, sizeBytes: Int) {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileSafetyError(path: path, reason: "cannot open: \(Errno(rawValue: errno))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let failure = Errno(rawValue: errno)
            close(fd)
            throw FileSafetyError(path: path, reason: "cannot read its type: \(failure)")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FileSafetyError(path: path, reason: "\(kind(info.st_mode)), not a regular file (memlens reads only regular files)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return (FileDescriptor(rawValue: fd), Int(info.st_size))
    }

    /// What a non-regular file is, in words.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a folder"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }
}
