import ProcessModels
public import ProcFS

/// The part of malloc's memory that objects own: the glibc chunks (main heap) and
/// mmapped regions that an object's buffer pointer, or a large object itself, is in.
/// Each chunk or region counts once, for the first object that claims it (a view
/// shares its base's data, and is no owner of it).
public struct OwnedNative: Sendable, Equatable {
    /// Bytes of one owning type.
    public struct Row: Sendable, Equatable {
        public var type: String
        /// Chunk sizes in the main heap, resident bytes of mmapped regions.
        public var bytes: UInt64
        /// Chunks and regions.
        public var blocks: Int
    }

    /// Largest first.
    public var rows: [Row] = []
    /// Of the main heap's chunks in use, and of the mmapped chunks, the bytes objects own.
    public var heapBytes: UInt64 = 0
    public var mmappedBytes: UInt64 = 0
    /// Claims whose pointer is in no chunk or region of malloc's (pymalloc blocks, static data, a stale pointer).
    public var unplacedClaims = 0
    /// Whether the objects were walked (false: `frag` could not, and says why in ``note``).
    public var walked = false
    public var note: String?
    /// Objects walked, the Σ of their `sys.getsizeof`, and the target's pause for the copy.
    public var objectCount = 0
    public var objectBytes: UInt64 = 0
    public var pauseMilliseconds: Double = 0

    /// Bytes in both.
    public var bytes: UInt64 { heapBytes.addingSaturated(mmappedBytes) }

    /// An attribution with nothing in it.
    public init() {}
}

extension MemoryAccount {
    /// Resident bytes objects use in malloc's memory: pymalloc's used blocks and the chunks and regions they own.
    public var objectBytes: UInt64 { arenaUsedBytes.addingSaturated(owned.bytes) }
    /// Free memory the allocators keep: free blocks and empty pools in arenas, glibc's free chunks.
    public var slackBytes: UInt64 { [arenaFreeInPoolsBytes, arenaEmptyPoolBytes, glibcFreeBytes].saturatedSum() }
    /// malloc's memory in use that no object owns: the interpreter's and C extensions' own allocations,
    /// and other threads' arenas (not walked).
    public var otherNativeBytes: UInt64 {
        [glibcInUseBytes.subtractingSaturated(owned.heapBytes), mmappedChunkBytes.subtractingSaturated(owned.mmappedBytes),
         threadArenaBytes].saturatedSum()
    }
    /// The interpreter and libraries: their mappings' private bytes, stacks, and malloc's memory no object owns.
    public var interpreterBytes: UInt64 { [librariesBytes, stackBytes, otherNativeBytes].saturatedSum() }
    /// USS that objects, allocator slack and the interpreter and libraries do not explain.
    public var ussUnexplainedBytes: UInt64 {
        ussBytes.subtractingSaturated([objectBytes, slackBytes, interpreterBytes].saturatedSum())
    }

    /// What the parts count beyond USS (anonymous pages shared with a parent or child count in
    /// their Rss, not in USS; a region resident when its residency was read): 0 when they fit.
    public var ussOvercountBytes: UInt64 {
        [objectBytes, slackBytes, interpreterBytes].saturatedSum().subtractingSaturated(ussBytes)
    }

    /// Finds the chunk or region of malloc's each claim of `owners` is in, and counts each once:
    /// main-heap chunks from `heap`'s walk; mmapped regions the scan found or the claim's
    /// header names, when the region lies in scanned mappings (adjacent ones joined), clear of arenas and of
    /// other regions (a region the scan missed, behind memory it could not place, is added).
    public mutating func attribute(_ owners: NativeOwners, heap: GlibcHeap?, arenas: [Range<UInt64>], pages: PageMap?) {
        var bytes = [UInt64](repeating: 0, count: owners.typeNames.count), blocks = [Int](repeating: 0, count: owners.typeNames.count)
        var chunks = Set<Int>(), regions = Set<UInt64>(mmappedRegions.map(\.lowerBound))
        var claimedRegions = Set<UInt64>()
        let sortedArenas = arenas.sorted { $0.lowerBound < $1.lowerBound }
        let runs = Self.runs(of: scannedMappings)
        for claim in owners.claims where Int(claim.type) < bytes.count {
            var size: UInt64
            if let heap, let chunk = heap.inUseChunk(holding: claim.address) {
                guard chunks.insert(chunk).inserted else { continue }
                size = heap.inUseSizes[chunk]
                owned.heapBytes = owned.heapBytes.addingSaturated(size)
            } else if let region = claim.mmappedRegion, !claimedRegions.contains(region.lowerBound),
                      runs.contains(where: { $0.contains(region.lowerBound) && region.upperBound <= $0.upperBound }),
                      !Self.overlapsArena(region, sortedArenas) {
                if !regions.contains(region.lowerBound) {
                    guard !mmappedRegions.contains(where: { $0.overlaps(region) }) else { continue }
                    mmappedRegions.append(region)
                    regions.insert(region.lowerBound)
                    mmappedChunks += 1
                    let resident = pages?.residentBytes(from: region.lowerBound, to: region.upperBound) ?? UInt64(region.count)
                    mmappedChunkBytes = mmappedChunkBytes.addingSaturated(resident)
                }
                claimedRegions.insert(region.lowerBound)
                size = pages?.residentBytes(from: region.lowerBound, to: region.upperBound) ?? UInt64(region.count)
                owned.mmappedBytes = owned.mmappedBytes.addingSaturated(size)
            } else {
                owned.unplacedClaims += 1
                continue
            }
            bytes[Int(claim.type)] = bytes[Int(claim.type)].addingSaturated(size)
            blocks[Int(claim.type)] += 1
        }
        owned.heapBytes = min(owned.heapBytes, glibcInUseBytes)
        owned.rows = owners.typeNames.indices.filter { blocks[$0] > 0 }
            .map { OwnedNative.Row(type: owners.typeNames[$0], bytes: bytes[$0], blocks: blocks[$0]) }
            .sorted { ($0.bytes, $1.type) > ($1.bytes, $0.type) }
        (owned.walked, owned.objectCount, owned.objectBytes) = (true, owners.objectCount, owners.objectBytes)
        owned.pauseMilliseconds = owners.pauseMilliseconds
    }

    /// Adjacent ranges joined: numpy's `madvise(MADV_HUGEPAGE)` on the aligned middle of a
    /// large buffer splits the buffer's mapping in two or three.
    static func runs(of ranges: [Range<UInt64>]) -> [Range<UInt64>] {
        var out: [Range<UInt64>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, last.upperBound == range.lowerBound {
                out[out.count - 1] = last.lowerBound..<range.upperBound
            } else {
                out.append(range)
            }
        }
        return out
    }

    /// Whether an arena of `arenas` (sorted, apart) overlaps `region`.
    static func overlapsArena(_ region: Range<UInt64>, _ arenas: [Range<UInt64>]) -> Bool {
        var low = 0, high = arenas.count  // the first arena ending past the region's start
        while low < high {
            let mid = (low + high) / 2
            if arenas[mid].upperBound <= region.lowerBound { low = mid + 1 } else { high = mid }
        }
        return low < arenas.count && arenas[low].overlaps(region)
    }
}
