import CProcessAccess
import Glibc
import ProcFS
public import SystemPackage

/// Reads another process's memory with `process_vm_readv` (no ptrace needed,
/// but the same permission: same user or CAP_SYS_PTRACE). Nothing is written.
///
///     let memory = ProcessMemory(pid: 1234)
///     let word = try memory.load(UInt64.self, at: address)
///     try memory.read(at: start, into: bigBuffer)     // one syscall per ~GiB
///
/// Reads are not atomic: stop the process (``ThreadStopper``) for a
/// consistent view.
public struct ProcessMemory: MemorySource, Sendable {
    /// The process read.
    public let pid: Int32

    public init(pid: Int32) { self.pid = pid }

    /// Fills `buffer` from `address`, looping over partial reads. The
    /// corresponding C function is `process_vm_readv`.
    public func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
        let done = readAvailable(at: address, into: buffer)
        if let stop = done.error { throw error(for: stop, at: address + UInt64(done.count)) }
    }

    /// Fills as much of `buffer` as is readable from `address`: how many bytes
    /// were read, and the error that stopped the read (nil when it was complete).
    public func readAvailable(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> (count: Int, error: Errno?) {
        guard let base = buffer.baseAddress else { return (0, nil) }
        var done = 0
        while done < buffer.count {
            let n = memlens_process_vm_readv(pid, base + done, buffer.count - done, address + UInt64(done))
            if n < 0 {
                if errno == EINTR { continue }
                return (done, Errno(rawValue: errno))
            }
            if n == 0 { return (done, .badAddress) }
            done += n
        }
        return (done, nil)
    }

    /// Most spans one call reads with ``readSpans(_:count:into:)``.
    public static let maxSpans = 1024  // IOV_MAX

    /// Reads `addresses.count` spans of `count` bytes each (at most
    /// ``maxSpans``) back to back into `destination` with one vectored
    /// `process_vm_readv`; false unless every span was read whole.
    public func readSpans(_ addresses: ArraySlice<UInt64>, count: Int, into destination: UnsafeMutableRawPointer) -> Bool {
        guard !addresses.isEmpty, addresses.count <= Self.maxSpans else { return false }
        let wanted = addresses.count * count
        let n = Array(addresses).withUnsafeBufferPointer {
            memlens_process_vm_readv_spans(pid, destination, $0.baseAddress, $0.count, count)
        }
        return n == wanted
    }

    /// The error for a failed read at `address`.
    func error(for code: Errno, at address: UInt64) -> ProcessAccessError {
        switch code {
        case .noSuchProcess: return .exited(pid: pid)
        case .notPermitted, .permissionDenied:
            return .permissionDenied(pid: pid, operation: "read the memory of", ptraceScope: ProcReader.ptraceScope())
        default:
            let gone = kill(pid, 0) != 0 && Errno(rawValue: errno) == .noSuchProcess
            return gone ? .exited(pid: pid) : .unreadable(pid: pid, address: address, errno: code)
        }
    }
}
