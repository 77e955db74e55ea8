#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// Which pages of a process are resident, from `/proc/PID/pagemap` (one
/// 8-byte entry per virtual page; bit 63 present, bit 62 swapped). Reading
/// it needs the same right as reading the process's memory.
public final class PageMap {
    let fd: Int32
    /// Bytes per page.
    public let pageBytes: UInt64

    /// Opens process `pid`'s pagemap.
    public init(pid: Int32) throws {
        fd = open("/proc/\(pid)/pagemap", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PageMapError.cannotOpen(pid: pid, errno: Errno(rawValue: errno)) }
        pageBytes = UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }

    deinit { close(fd) }

    /// Resident (or swapped) flags of each page in `[start, end)`; both page-aligned.
    public func resident(from start: UInt64, to end: UInt64) -> [Bool] {
        guard end > start else { return [] }
        let pages = Int((end - start) / pageBytes)
        var entries = [UInt64](repeating: 0, count: pages)
        var done = 0
        while done < pages {
            let want = (pages - done) * 8
            let n = entries.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done * 8, want, off_t((start / pageBytes + UInt64(done)) * 8))
            }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }  // unreadable: count as not resident
            done += n / 8
        }
        return entries.map { $0 & (3 << 62) != 0 }
    }

    /// The runs of resident (or swapped) pages in `[start, end)` (page-aligned), as
    /// address ranges, read 64 Ki entries at a time; nil if the pagemap cannot be read.
    public func residentRuns(from start: UInt64, to end: UInt64) -> [Range<UInt64>]? {
        var runs: [Range<UInt64>] = []
        var page = start / pageBytes
        let endPage = end / pageBytes
        var entries = [UInt64](repeating: 0, count: Int(min(endPage - min(page, endPage), 1 << 16)))
        while page < endPage {
            let want = Int(min(endPage - page, UInt64(entries.count)))
            let n = entries.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want * 8, off_t(page * 8)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0, n % 8 == 0 else { return nil }
            for i in 0..<n / 8 where entries[i] & (3 << 62) != 0 {
                let address = (page + UInt64(i)) * pageBytes
                if let last = runs.last, last.upperBound == address {
                    runs[runs.count - 1] = last.lowerBound..<address + pageBytes
                } else {
                    runs.append(address..<address + pageBytes)
                }
            }
            page += UInt64(n / 8)
        }
        return runs
    }

    /// Resident bytes in `[start, end)`, rounded out to whole pages.
    public func residentBytes(from start: UInt64, to end: UInt64) -> UInt64 {
        let mask = pageBytes - 1
        let flags = resident(from: start & ~mask, to: (end + mask) & ~mask)
        return UInt64(flags.reduce(0) { $0 + ($1 ? 1 : 0) }) * pageBytes
    }
}

/// Why a pagemap could not be read.
public enum PageMapError: Error, CustomStringConvertible {
    case cannotOpen(pid: Int32, errno: Errno)

    public var description: String {
        switch self {
        case .cannotOpen(let pid, let errno): return "cannot open /proc/\(pid)/pagemap: \(errno)"
        }
    }
}
