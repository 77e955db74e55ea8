public import Foundation

/// glibc's own figures, read inside the target by the agent (`frag.py`):
/// `mallinfo2()`, `malloc_info()` per arena, and with `--trim` the process's
/// RSS and USS just before and after `malloc_trim(0)`.
public struct MallocStats: Sendable, Decodable {
    /// `struct mallinfo2` (all glibc arenas summed).
    public struct Info: Sendable, Decodable {
        /// Bytes obtained with brk/sbrk or for thread heaps (non-mmapped).
        public var arena: UInt64
        /// Free chunks.
        public var ordblks: UInt64
        /// Chunks and bytes in mmapped regions.
        public var hblks: UInt64
        public var hblkhd: UInt64
        /// Bytes in use and free (non-mmapped).
        public var uordblks: UInt64
        public var fordblks: UInt64
        /// Top-most releasable space.
        public var keepcost: UInt64
    }

    /// RSS and USS at one moment, bytes.
    public struct Usage: Sendable, Decodable {
        public var rss: UInt64
        public var uss: UInt64
    }

    /// One glibc arena from `malloc_info`'s XML.
    public struct ArenaInfo: Sendable {
        public var index: Int
        /// Free bytes (fastbins + bins) and bytes obtained from the system.
        public var freeBytes: UInt64
        public var systemBytes: UInt64
    }

    public var python: String
    public var mallinfo: Info
    public var mallocInfoXML: String
    /// With `--trim`: usage just before and after the call, inside the target.
    public var trimBefore: Usage?
    public var after: Usage?
    public var mallinfoAfter: Info?

    enum CodingKeys: String, CodingKey {
        case python, mallinfo
        case mallocInfoXML = "malloc_info"
        case trimBefore = "trim_before"
        case after
        case mallinfoAfter = "mallinfo_after"
    }

    /// Decodes the agent's `frag.json`.
    public static func decode(_ data: Data) throws -> MallocStats {
        try JSONDecoder().decode(MallocStats.self, from: data)
    }

    /// Resident bytes `malloc_trim(0)` gave back, as the target measured it.
    public var trimmedBytes: UInt64? {
        guard let before = trimBefore, let after else { return nil }
        return before.rss > after.rss ? before.rss - after.rss : 0
    }

    /// Per-arena figures parsed from `malloc_info`'s `<heap nr="N">` elements.
    public var arenas: [ArenaInfo] {
        var result: [ArenaInfo] = []
        for part in mallocInfoXML.components(separatedBy: "<heap nr=\"").dropFirst() {
            guard let index = Int(part.prefix { $0.isNumber }) else { continue }
            let body = part.components(separatedBy: "</heap>").first ?? ""
            func attribute(_ tag: String) -> UInt64 {
                guard let range = body.range(of: tag) else { return 0 }
                let rest = body[range.upperBound...]
                guard let size = rest.range(of: "size=\"") else { return 0 }
                return UInt64(rest[size.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            let free = attribute("<total type=\"fast\"") &+ attribute("<total type=\"rest\"")  // from the target: no trap
            result.append(ArenaInfo(index: index, freeBytes: free, systemBytes: attribute("<system type=\"current\"")))
        }
        return result
    }
}
