/// The `rwxp` permissions of a mapping (one byte of flags).
public struct Permissions: Sendable, Hashable, Comparable, CustomStringConvertible {
    private let bits: UInt8

    public var readable: Bool { bits & 1 != 0 }
    public var writable: Bool { bits & 2 != 0 }
    public var executable: Bool { bits & 4 != 0 }
    /// `s` (shared) rather than `p` (private, copy-on-write).
    public var shared: Bool { bits & 8 != 0 }

    /// Parses `rwxp`-style text; unknown characters count as "not set".
    public init(_ text: String) {
        let bytes = Array(text.utf8)
        func at(_ i: Int, _ c: UInt8) -> Bool { i < bytes.count && bytes[i] == c }
        self.init(readable: at(0, 0x72), writable: at(1, 0x77), executable: at(2, 0x78), shared: at(3, 0x73))
    }

    init(readable: Bool, writable: Bool, executable: Bool, shared: Bool) {
        bits = (readable ? 1 : 0) | (writable ? 2 : 0) | (executable ? 4 : 0) | (shared ? 8 : 0)
    }

    /// The four characters as the kernel prints them, e.g. `r-xp`.
    public var text: String {
        (readable ? "r" : "-") + (writable ? "w" : "-") + (executable ? "x" : "-") + (shared ? "s" : "p")
    }

    public var description: String { text }
    public static func < (a: Permissions, b: Permissions) -> Bool { a.text < b.text }
}

/// One line of `/proc/PID/maps` with its `smaps` counters. Counters are kept
/// in kB (as the kernel prints them) so 60,000 mappings stay small.
public struct Mapping: Sendable {
    public var start: UInt64
    public var end: UInt64
    public var offset: UInt64
    public var inode: UInt64
    public var permissions: Permissions
    /// Index into ``MappingTable/paths``; -1 when the mapping has no name.
    public var pathIndex: Int32
    /// The device of the mapped file, `major << 20 | minor` (0 for anonymous memory).
    public var device: UInt32
    var rssKB: UInt32 = 0, pssKB: UInt32 = 0
    var sharedCleanKB: UInt32 = 0, sharedDirtyKB: UInt32 = 0
    var privateCleanKB: UInt32 = 0, privateDirtyKB: UInt32 = 0
    var anonymousKB: UInt32 = 0, swapKB: UInt32 = 0, swapPssKB: UInt32 = 0

    /// An empty mapping (all fields 0, no name).
    init() {
        start = 0; end = 0; offset = 0; inode = 0
        permissions = Permissions(readable: false, writable: false, executable: false, shared: false)
        pathIndex = -1; device = 0
    }

    /// The major number of ``device`` (`fe` in `fe:00`).
    public var deviceMajor: UInt32 { device >> 20 }
    /// The minor number of ``device``.
    public var deviceMinor: UInt32 { device & 0xF_FFFF }

    /// Virtual size of the mapping in bytes.
    public var sizeBytes: UInt64 { end - start }

    /// The mapping's counters in bytes.
    public var usage: MemoryCounters {
        var c = MemoryCounters()
        c.sizeBytes = sizeBytes
        c.rssBytes = UInt64(rssKB) * 1024
        c.pssBytes = UInt64(pssKB) * 1024
        c.sharedCleanBytes = UInt64(sharedCleanKB) * 1024
        c.sharedDirtyBytes = UInt64(sharedDirtyKB) * 1024
        c.privateCleanBytes = UInt64(privateCleanKB) * 1024
        c.privateDirtyBytes = UInt64(privateDirtyKB) * 1024
        c.anonymousBytes = UInt64(anonymousKB) * 1024
        c.swapBytes = UInt64(swapKB) * 1024
        c.swapPssBytes = UInt64(swapPssKB) * 1024
        return c
    }

    mutating func store(_ c: MemoryCounters) {
        func kB(_ bytes: UInt64) -> UInt32 { UInt32(clamping: bytes / 1024) }
        rssKB = kB(c.rssBytes)
        pssKB = kB(c.pssBytes)
        sharedCleanKB = kB(c.sharedCleanBytes)
        sharedDirtyKB = kB(c.sharedDirtyBytes)
        privateCleanKB = kB(c.privateCleanBytes)
        privateDirtyKB = kB(c.privateDirtyBytes)
        anonymousKB = kB(c.anonymousBytes)
        swapKB = kB(c.swapBytes)
        swapPssKB = kB(c.swapPssBytes)
    }
}

/// Every mapping of a process, with names interned.
public struct MappingTable: Sendable {
    public var mappings: [Mapping] = []
    /// Distinct mapping names (`/usr/lib/…`, `[heap]`, `[stack]`, …).
    public var paths: [String] = []

    public init() {}

    /// The name of `mapping`, or "" for an unnamed (anonymous) mapping.
    public func path(of mapping: Mapping) -> String {
        mapping.pathIndex < 0 ? "" : paths[Int(mapping.pathIndex)]
    }

    /// Σ counters over every mapping. PSS summed this way undercounts (each
    /// mapping's PSS is rounded down to a kB); prefer `smaps_rollup`.
    public var sum: MemoryCounters {
        var total = MemoryCounters()
        for m in mappings { total.add(m.usage) }
        return total
    }
}
