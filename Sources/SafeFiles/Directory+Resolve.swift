#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

extension Directory {
    /// Opens the folder `path`, one component at a time through descriptors.
    /// A symbolic link on the way is followed only when root or this user
    /// owns it: a link another user made (in a folder he can write) could
    /// point into a folder of root's, and memlens would write there for him.
    /// - Throws: ``FileSafetyError`` naming the link and its owner.
    static func openResolvingTrustedLinks(_ path: String) throws(FileSafetyError) -> Directory {
        var current = Glibc.open(path.hasPrefix("/") ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else { throw .system(path, "cannot open the folder", Errno(rawValue: errno)) }
        var walked = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/").map(String.init) {
            walked += "/" + component
            var next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let failure = errno
            var info = stat()
            if next < 0, fstatat(current, component, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK {
                guard info.st_uid == 0 || info.st_uid == geteuid() else {
                    close(current)
                    throw FileSafetyError(path: path, reason: "\(walked) is a symbolic link owned by uid \(info.st_uid), " +
                        "another user (refused: it could lead memlens to write where that user may not)")
                }
                next = openat(current, component, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            } else if next < 0 {
                errno = failure
            }
            let error = errno
            close(current)
            guard next >= 0 else { throw .system(walked, "cannot open the folder", Errno(rawValue: error)) }
            current = next
        }
        return Directory(path: path, descriptor: FileDescriptor(rawValue: current))
    }
}
