/// The memory counters `/proc/PID/smaps` prints for a mapping and
/// `smaps_rollup` for a whole process, in bytes.
public struct MemoryCounters: Sendable, Equatable, Codable {
    /// Virtual size (smaps only; `smaps_rollup` does not print it).
    public var sizeBytes: UInt64 = 0
    /// Resident pages.
    public var rssBytes: UInt64 = 0
    /// Proportional set size: each resident page divided by the processes mapping it.
    public var pssBytes: UInt64 = 0
    /// The dirty part of PSS (kernel 6.0+; 0 where absent).
    public var pssDirtyBytes: UInt64 = 0
    public var sharedCleanBytes: UInt64 = 0
    public var sharedDirtyBytes: UInt64 = 0
    public var privateCleanBytes: UInt64 = 0
    public var privateDirtyBytes: UInt64 = 0
    /// Anonymous (not file-backed) resident pages.
    public var anonymousBytes: UInt64 = 0
    public var swapBytes: UInt64 = 0
    public var swapPssBytes: UInt64 = 0
    public var lockedBytes: UInt64 = 0

    public init() {}

    /// Unique set size: memory only this process maps (private clean + private dirty).
    public var ussBytes: UInt64 { privateCleanBytes + privateDirtyBytes }
    /// Writable memory as the seed defines it: Σ Private_Dirty.
    public var writableBytes: UInt64 { privateDirtyBytes }

    /// Adds `other` field by field.
    public mutating func add(_ other: MemoryCounters) {
        sizeBytes += other.sizeBytes
        rssBytes += other.rssBytes
        pssBytes += other.pssBytes
        pssDirtyBytes += other.pssDirtyBytes
        sharedCleanBytes += other.sharedCleanBytes
        sharedDirtyBytes += other.sharedDirtyBytes
        privateCleanBytes += other.privateCleanBytes
        privateDirtyBytes += other.privateDirtyBytes
        anonymousBytes += other.anonymousBytes
        swapBytes += other.swapBytes
        swapPssBytes += other.swapPssBytes
        lockedBytes += other.lockedBytes
    }

    /// Parses one `Key:   N kB` line into the matching field; returns false for
    /// a line that is not a counter (a mapping header, `VmFlags`, …).
    @inline(__always)
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count > 4 else { return false }
        var i = 0
        // Dispatch on the first byte, then compare the whole key.
        switch line[0] {
        case 0x52: // R
            if ByteParsing.key(line, is: "Rss", index: &i) { rssBytes = ByteParsing.kilobytes(line, from: i); return true }
        case 0x50: // P
            if ByteParsing.key(line, is: "Pss", index: &i) { pssBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "Private_Clean",
                index: &i) { privateCleanBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "Private_Dirty",
                index: &i) { privateDirtyBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "Pss_Dirty", index: &i) { pssDirtyBytes = ByteParsing.kilobytes(line, from: i); return true }
        case 0x53: // S
            if ByteParsing.key(line, is: "Size", index: &i) { sizeBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "Shared_Clean", index: &i) { sharedCleanBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "Shared_Dirty", index: &i) { sharedDirtyBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "Swap", index: &i) { swapBytes = ByteParsing.kilobytes(line, from: i); return true }
            if ByteParsing.key(line, is: "SwapPss", index: &i) { swapPssBytes = ByteParsing.kilobytes(line, from: i); return true }
        case 0x41: // A
            if ByteParsing.key(line, is: "Anonymous", index: &i) { anonymousBytes = ByteParsing.kilobytes(line, from: i); return true }
        case 0x4C: // L
            if ByteParsing.key(line, is: "Locked", index: &i) { lockedBytes = ByteParsing.kilobytes(line, from: i); return true }
        default:
            break
        }
        return false
    }
}
