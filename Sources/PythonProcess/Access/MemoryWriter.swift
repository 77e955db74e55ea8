import CProcessAccess
import Glibc
import SystemPackage

/// Something that writes a process's memory by address. Memlens writes only
/// for `sys.remote_exec`'s protocol (``RemoteExec``): a script path and two
/// flags in the main thread's state.
public protocol MemoryWriter {
    /// Writes all of `bytes` at `address`; throws if any byte could not be written.
    func write(_ bytes: [UInt8], at address: UInt64) throws(ProcessAccessError)
}

extension ProcessMemory: MemoryWriter {
    /// Writes `bytes` at `address` with `process_vm_writev`, looping over
    /// partial writes (same permission as reading: same user or CAP_SYS_PTRACE).
    public func write(_ bytes: [UInt8], at address: UInt64) throws(ProcessAccessError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                memlens_process_vm_writev(pid, raw.baseAddress.map { $0 + done }, bytes.count - done, address + UInt64(done))
            }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw error(for: n < 0 ? Errno(rawValue: errno) : .badAddress, at: address + UInt64(done)) }
            done += n
        }
    }
}
