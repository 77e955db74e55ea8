#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// The cheapest memory figure of a process, read often: its resident
/// anonymous memory from `/proc/PID/statm` (resident minus shared pages, the
/// kernel's RssAnon), through a descriptor kept open and re-read from offset
/// 0. One `pread` of a few dozen bytes, against the page-table walk of
/// `smaps_rollup` (which grows with the process: tens of µs to ms). The
/// kernel's counters are per-CPU batched: the figure can lag the truth by a
/// few hundred KiB. What `watch`'s growth attribution samples at 1 kHz.
public final class ResidentMeter {
    /// The process read.
    public let pid: Int32
    private let file: ProcFile
    private let descriptor: FileDescriptor
    private var buffer = [UInt8](repeating: 0, count: 128)
    private let pageBytes = UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))

    /// Opens `/proc/PID/statm`; the descriptor stays on this process (a
    /// reused pid is never read).
    public init(pid: Int32) throws(ProcFSError) {
        self.pid = pid
        file = ProcFile(pid: pid, name: "statm")
        do throws(ProcFile.Failure) { descriptor = try file.open() } catch { throw file.error(error) }
    }

    deinit { try? descriptor.close() }

    /// Resident anonymous bytes now: statm's resident pages less its shared
    /// (file and shmem) pages. Throws once the process has exited.
    public func anonymousBytes() throws(ProcFSError) -> UInt64 {
        let count: Int
        do {
            count = try buffer.withUnsafeMutableBytes { try descriptor.read(fromAbsoluteOffset: 0, into: $0, retryOnInterrupt: true) }
        } catch {
            throw file.error(ProcFile.failure(error))
        }
        // An exited process's statm reads empty or all zeros.
        guard count > 0 else { throw .exitedDuringRead(pid: pid) }
        let fields = buffer.withUnsafeBufferPointer { text -> (resident: UInt64, shared: UInt64) in
            let line = UnsafeBufferPointer(rebasing: text[0..<count])
            var i = 0
            _ = ByteParsing.decimal(line, from: &i)  // size (decimal skips the blanks before a number)
            let resident = ByteParsing.decimal(line, from: &i)
            return (resident, ByteParsing.decimal(line, from: &i))
        }
        guard fields.resident > 0 else { throw .exitedDuringRead(pid: pid) }
        let pages = fields.resident > fields.shared ? fields.resident - fields.shared : 0
        let bytes = pages.multipliedReportingOverflow(by: pageBytes)
        return bytes.overflow ? .max : bytes.partialValue
    }
}
