#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Who could swap what memlens puts in a folder: the owner of the folder and
/// of every folder above it, and anyone who may write to one of them without
/// the sticky bit. A folder is trusted when all of those are root or the
/// users memlens trusts (itself, and for a target's own `/tmp` the target's
/// user), so a file or folder memlens creates there stays the one it made
/// while a child process (or gdb) opens it by name.
enum FolderTrust {
    /// Checks `path` (resolved through links the user set, such as a
    /// `TMPDIR` that is a link) and each folder above it.
    /// - Returns: the device and inode of the folder checked, for comparing
    ///   with what is then opened.
    /// - Throws: ``FileSafetyError`` naming the folder and the user who could swap entries there.
    static func check(_ path: String, trusting users: Set<UInt32>,
        role: String) throws(FileSafetyError) -> (device: UInt64, inode: UInt64) {
        let hint = "set TMPDIR to a folder only you and root can write, such as /tmp"
        guard let resolved = realpath(path, nil) else {
            throw .system(path, "cannot resolve the \(role)", Errno(rawValue: errno))
        }
        let real = String(cString: resolved)
        free(resolved)
        var prefix = ""
        var last = (device: UInt64(0), inode: UInt64(0))
        for component in [""] + real.split(separator: "/").map(String.init) {
            prefix = component.isEmpty ? "/" : (prefix == "/" ? "/" : prefix + "/") + component
            var info = stat()
            guard lstat(prefix, &info) == 0 else { throw .system(prefix, "cannot check the \(role)", Errno(rawValue: errno)) }
            try checkStatus(info, of: prefix, trusting: users, path: path, role: role, hint: hint)
            last = (UInt64(info.st_dev), UInt64(info.st_ino))
        }
        return last
    }

    /// Checks one folder's owner and mode (`info`, from `stat` of `folder`).
    static func checkStatus(_ info: stat, of folder: String, trusting users: Set<UInt32>, path: String, role: String,
        hint: String) throws(FileSafetyError) {
        let owner = UInt32(info.st_uid)
        if owner != 0 && !users.contains(owner) {
            throw refusal(path, role: role, because: "\(folder) belongs to uid \(owner), who could swap what memlens makes there",
                          hint: hint)
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 && info.st_mode & S_ISVTX == 0 {
            let who = info.st_mode & S_IWOTH != 0 ? "every user" : "group \(info.st_gid)"
            throw refusal(path, role: role, because: "\(folder) is writable by \(who) without the sticky bit", hint: hint)
        }
    }

    private static func refusal(_ path: String, role: String, because reason: String, hint: String) -> FileSafetyError {
        FileSafetyError(path: path, reason: "the \(role) is not safe for code memlens hands to a process: \(reason) (refused; \(hint))")
    }

    /// Whether the open folder `fd` is the one ``check(_:trusting:role:)`` checked.
    static func isSame(_ fd: Int32, as checked: (device: UInt64, inode: UInt64)) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && UInt64(info.st_dev) == checked.device && UInt64(info.st_ino) == checked.inode
    }
}
