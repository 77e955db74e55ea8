import Fragmentation
import FuzzSupport
import ProcessModels
@testable import ProcFS
@testable import PythonProcess

/// frag's accounting over a forged image: glibc's main heap walked chunk by
/// chunk, then the memory account (arenas, `[heap]`, stacks, thread arenas,
/// mmapped chunks found by their headers), then the native memory objects own:
/// up to 64 claimed addresses at parameter 2 (0: none), each placed in a heap
/// chunk or in the mmapped chunk its headers name. Each region is a mapping: the first
/// is `[heap]`, the rest unnamed private writable memory (selector bit k: region
/// k + 1 is a guard page instead, so the one above it reads as a thread stack).
/// Selector bits 5–7 pick the 3.8–3.15 obmalloc layout. Parameters: an
/// arena's address (0: none), the resident kB of every mapping (low 32 bits)
/// and the USS (the whole word), the claims.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let image = ForgedImage(UnsafeRawBufferPointer(start: data, count: count))
    guard let first = image.regions.first,
          let layout = ObmallocLayout.forVersion(major: 3, minor: 8 + Int(image.selector >> 5), micro: 10) else { return 0 }
    let memory = HeapCopy(regions: image.regions)
    let p = image.parameters
    var table = MappingTable()
    table.paths = ["[heap]"]
    for (index, range) in image.ranges.enumerated() {
        var mapping = Mapping()
        (mapping.start, mapping.end) = (range.lowerBound, range.upperBound)
        let guardPage = index > 0 && index <= 5 && image.selector & (1 << (index - 1)) != 0
        mapping.permissions = Permissions(guardPage ? "---p" : "rw-p")
        mapping.pathIndex = index == 0 ? 0 : -1
        mapping.rssKB = UInt32(truncatingIfNeeded: p[1])
        table.mappings.append(mapping)
    }
    table.mappings.sort { $0.start < $1.start }
    let heap = try? GlibcHeap.walk(start: first.start, end: first.start + UInt64(first.bytes.count), memory: memory)
    let arenas = p[0] == 0 ? [] : [Arena(index: 0, address: p[0], firstPool: p[0], pools: [])]
    let map = ArenaMap(layout: layout, arenas: arenas, reportedArenaCount: nil)
    var account = MemoryAccount.build(mappings: table, arenas: map, residency: nil, heap: heap, pages: nil) {
        MmappedChunkScan.chunks(in: $0, arenaStarts: $1, arenaBytes: $2, memory: memory)
    }
    account.ussBytes = p[1]
    var owners = NativeOwners(typeNames: ["numpy.ndarray", "bytearray", "list"])
    for i in 0..<UInt64(p[2] == 0 ? 0 : 64) {
        guard let address = memory.word(at: p[2] &+ i &* 8) else { break }
        owners.claims.append(NativeOwners.Claim(address: address, type: UInt32(i % 4),
                                                mmappedRegion: NativeOwners.mmappedRegion(around: address, memory)))
    }
    account.attribute(owners, heap: heap, arenas: arenas.map { $0.address..<$0.address.addingSaturated(layout.arenaBytes) }, pages: nil)
    _ = (account.unexplainedBytes, account.glibcInUseBytes, account.ussUnexplainedBytes, account.owned.rows)
    return 0
}
