import Glibc
import SafeFiles
import SystemPackage

/// The memory of files a process had mapped, read from the files on this
/// machine: what a core file leaves out (read-only text and data, such as
/// `tp_name` strings and `Py_Version`), found through its `NT_FILE` note.
/// Assumes the files have not changed since the core was written.
final class MappedFileMemory: MemorySource {
    private let files: [CoreFile.MappedFile]
    /// Open descriptors by local path (nil: could not be opened).
    private var descriptors: [String: FileDescriptor?] = [:]
    private let localPath: (String) -> String

    /// `files` as the core names them; `localPath` says where each is readable here.
    init(files: [CoreFile.MappedFile], localPath: @escaping (String) -> String) {
        self.files = files.sorted { $0.start < $1.start }
        self.localPath = localPath
    }

    deinit { for case let fd? in descriptors.values { try? fd.close() } }

    func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
        let count = UInt64(buffer.count)
        guard let file = files.last(where: { $0.start <= address }), address < file.end, count <= file.end - address,
              let fd = descriptor(localPath(file.path)) else {
            throw .unreadable(pid: 0, address: address, errno: .badAddress)
        }
        let (offset, overflow) = file.fileOffset.addingReportingOverflow(address - file.start)  // NT_FILE entries come from the core
        guard !overflow else { throw .unreadable(pid: 0, address: address, errno: .badAddress) }
        let done: Int
        do { done = try fd.read(fromAbsoluteOffset: Int64(clamping: offset), into: buffer, retryOnInterrupt: true) } catch {
            throw .unreadable(pid: 0, address: address, errno: .ioError)
        }
        if done < buffer.count { throw .unreadable(pid: 0, address: address, errno: .badAddress) }
    }

    private func descriptor(_ path: String) -> FileDescriptor? {
        if let known = descriptors[path] { return known }
        // A path the core names may be anything now: never block on a FIFO or a device.
        let fd = try? RegularFile.open(path).descriptor
        descriptors[path] = fd
        return fd
    }
}
