import ProcessModels
public import ProcFS

/// Where a process's writable anonymous memory is, resident bytes by owner,
/// with what nothing explains left as a remainder rather than hidden.
public struct MemoryAccount: Sendable {
    /// Σ Rss of the private writable mappings that are not file-backed
    /// (`[heap]`, `[stack]`, unnamed): the memory being explained.
    public var writableAnonymousBytes: UInt64 = 0
    /// pymalloc arenas, resident.
    public var arenaBytes: UInt64 = 0
    /// Allocated blocks in arenas (Python objects ≤ 512 bytes and small buffers).
    public var arenaUsedBytes: UInt64 = 0
    /// Free blocks in pools that still hold some (and pool headers).
    public var arenaFreeInPoolsBytes: UInt64 = 0
    /// Pools with no allocated block that stay resident.
    public var arenaEmptyPoolBytes: UInt64 = 0
    /// glibc's main heap (`[heap]`), resident, and of it the free part.
    public var glibcHeapBytes: UInt64 = 0
    public var glibcFreeBytes: UInt64 = 0
    /// glibc chunks of their own mapping (large allocations), resident.
    public var mmappedChunkBytes: UInt64 = 0
    public var mmappedChunks: Int = 0
    /// Thread stacks (rw mappings above a guard page) and the main `[stack]`.
    public var stackBytes: UInt64 = 0
    public var threadStacks: Int = 0
    /// glibc arenas of other threads (64 MiB-aligned heaps), resident, not walked.
    public var threadArenaBytes: UInt64 = 0

    /// The glibc chunks and mmapped regions objects own (buffers, objects over 512 B), by type;
    /// see ``attribute(_:heap:arenas:pages:)``.
    public var owned = OwnedNative()
    /// USS (`smaps_rollup`), and of it the private bytes of every mapping but the
    /// writable anonymous ones: the interpreter's and libraries' code and data.
    public var ussBytes: UInt64 = 0
    public var librariesBytes: UInt64 = 0
    /// The glibc mmapped chunks the scan found, and the mappings it scanned.
    var mmappedRegions: [Range<UInt64>] = []
    var scannedMappings: [Range<UInt64>] = []

    /// Resident writable anonymous memory none of the above explains.
    public var unexplainedBytes: UInt64 {
        let known = [arenaBytes, glibcHeapBytes, mmappedChunkBytes, stackBytes, threadArenaBytes].saturatedSum()
        return writableAnonymousBytes.subtractingSaturated(known)
    }

    /// glibc bytes in use: the main heap less its free part.
    public var glibcInUseBytes: UInt64 { glibcHeapBytes > glibcFreeBytes ? glibcHeapBytes - glibcFreeBytes : 0 }

    /// Finds glibc's mmapped chunks in an unnamed writable mapping, past the
    /// pymalloc arenas that start at `arenaStarts` (each `arenaBytes` long).
    /// It reads the target, so the process-reading side supplies it.
    public typealias ChunkScan = (_ mapping: Mapping, _ arenaStarts: Set<UInt64>, _ arenaBytes: UInt64) -> [Range<UInt64>]

    /// Builds the account from the mappings (`smaps`), the arenas and the main
    /// heap; `chunks` finds glibc's mmapped chunks in unnamed mappings, and the
    /// pagemap measures parts of merged mappings. Every size here comes from
    /// the target (or its `smaps`): sums saturate.
    public static func build(mappings: MappingTable, arenas: ArenaMap, residency: ArenaResidency?,
                             heap: GlibcHeap?, pages: PageMap?, chunks: ChunkScan) -> MemoryAccount {
        var account = MemoryAccount()
        let layout = arenas.layout
        for (a, arena) in arenas.arenas.enumerated() {
            let resident = residency?.arenaBytes[a] ?? layout.arenaBytes
            account.arenaBytes = account.arenaBytes.addingSaturated(resident)
            account.arenaUsedBytes = account.arenaUsedBytes.addingSaturated(arena.usedBytes)
            var empty: UInt64 = 0
            for (p, pool) in arena.pools.enumerated() where pool.state != .used {
                empty = empty.addingSaturated(UInt64(residency?.poolBytes[a][p] ?? 0))
            }
            account.arenaEmptyPoolBytes = account.arenaEmptyPoolBytes.addingSaturated(empty)
            let rest = resident.subtractingSaturated(arena.usedBytes.addingSaturated(empty))
            account.arenaFreeInPoolsBytes = account.arenaFreeInPoolsBytes.addingSaturated(rest)
        }
        let arenaStarts = Set(arenas.arenas.map(\.address))

        let list = mappings.mappings
        for (i, mapping) in list.enumerated() {
            let name = mappings.path(of: mapping)
            guard mapping.permissions.writable, !mapping.permissions.shared, mapping.inode == 0,
                  name.isEmpty || name.hasPrefix("[") else {
                account.librariesBytes = account.librariesBytes.addingSaturated(mapping.usage.ussBytes)
                continue
            }
            let rss = mapping.usage.rssBytes
            account.writableAnonymousBytes = account.writableAnonymousBytes.addingSaturated(rss)
            if name == "[heap]" {
                account.glibcHeapBytes = account.glibcHeapBytes.addingSaturated(rss)
                continue
            }
            if name.hasPrefix("[stack") {
                account.stackBytes = account.stackBytes.addingSaturated(rss)
                account.threadStacks += 1
                continue
            }
            guard name.isEmpty else { continue }
            let below = i > 0 ? list[i - 1] : nil
            let above = i + 1 < list.count ? list[i + 1] : nil
            if let below, below.end == mapping.start, !below.permissions.readable, !below.permissions.writable, below.inode == 0 {
                account.stackBytes = account.stackBytes.addingSaturated(rss)
                account.threadStacks += 1
                continue
            }
            if mapping.start % (64 << 20) == 0, let above, above.start == mapping.end, !above.permissions.readable, above.inode == 0 {
                account.threadArenaBytes = account.threadArenaBytes.addingSaturated(rss)
                continue
            }
            account.scannedMappings.append(mapping.start..<mapping.end)
            for chunk in chunks(mapping, arenaStarts, layout.arenaBytes) {
                account.mmappedChunks += 1
                account.mmappedRegions.append(chunk)
                let resident = pages?.residentBytes(from: chunk.lowerBound, to: chunk.upperBound) ?? UInt64(chunk.count)
                account.mmappedChunkBytes = account.mmappedChunkBytes.addingSaturated(resident)
            }
        }
        if let heap { account.glibcFreeBytes = min(heap.freeResidentBytes, account.glibcHeapBytes) }
        return account
    }
}
