#if canImport(Glibc)
import Glibc
#endif

/// One file in a private folder (mkdtemp, 0700, in /dev/shm when there is
/// one) that each fuzz input is written to, for the readers that take a path.
public final class ScratchFile: @unchecked Sendable {
    public let path: String
    private let descriptor: Int32

    /// Creates the folder and `name` in it (O_CREAT|O_EXCL|O_NOFOLLOW, 0600).
    public init(name: String) {
        let parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(parent)/memlens-fuzz-XXXXXX".utf8CString)
        guard let folder = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            fatalError("mkdtemp failed: errno \(errno)")  // the harness's own setup, not input
        }
        path = String(cString: folder) + "/" + name
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { fatalError("cannot create \(path): errno \(errno)") }
    }

    /// Replaces the file's contents with `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard ftruncate(descriptor, 0) == 0 else { fatalError("ftruncate: errno \(errno)") }
        var done = 0
        while done < bytes.count {
            let n = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(done))
            guard n > 0 else { fatalError("pwrite: errno \(errno)") }
            done += n
        }
    }
}
