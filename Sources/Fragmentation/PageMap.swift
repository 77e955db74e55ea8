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

/// Resident bytes of each arena and each of its pools.
public struct ArenaResidency: Sendable {
    /// Per arena (indexed like ``ArenaMap/arenas``), the whole arena.
    public var arenaBytes: [UInt64]
    /// Per arena, per pool.
    public var poolBytes: [[UInt32]]

    /// Reads the residency of every arena in `map` (one pagemap read per arena).
    public static func read(_ map: ArenaMap, pages: PageMap) -> ArenaResidency {
        let layout = map.layout
        var arenaBytes: [UInt64] = []
        var poolBytes: [[UInt32]] = []
        for arena in map.arenas {
            let flags = pages.resident(from: arena.address & ~(pages.pageBytes - 1), to: arena.address + layout.arenaBytes)
            let base = arena.address & ~(pages.pageBytes - 1)
            arenaBytes.append(UInt64(flags.reduce(0) { $0 + ($1 ? 1 : 0) }) * pages.pageBytes)
            var pools: [UInt32] = []
            pools.reserveCapacity(arena.pools.count)
            for p in arena.pools.indices {
                let first = Int((arena.poolAddress(p, layout: layout) - base) / pages.pageBytes)
                let count = Int(layout.poolBytes / pages.pageBytes)
                let end = min(flags.count, first + count)
                let resident = first < end ? flags[first..<end].reduce(0) { $0 + ($1 ? 1 : 0) } : 0
                pools.append(UInt32(UInt64(resident) * pages.pageBytes))
            }
            poolBytes.append(pools)
        }
        return ArenaResidency(arenaBytes: arenaBytes, poolBytes: poolBytes)
    }
}
