public import Fragmentation
public import ProcessModels

/// The census's pymalloc arena summary, read with `frag`'s arena walker from
/// the same memory the census walked: passed to `Census.take(…, amend:)` by
/// the callers that want it (reading the arenas costs a census some time).
public enum CensusArenas {
    /// Adds `arenas` (with the pinned arenas' size, those at most 10% used) to
    /// `result`, or a note saying why they could not be read.
    public static func amend(_ memory: CensusMemory, _ result: inout CensusResult) {
        let version = memory.image.version
        guard let layout = ObmallocLayout.forVersion(major: version.major, minor: version.minor, micro: version.micro) else {
            result.notes.append("pymalloc arenas not read: no obmalloc layout for Python \(version)")
            return
        }
        do {
            let walk = ArenaWalk(layout: layout, memory: memory.memory)
            // The copy's regions bound the search for a stripped 3.8–3.11's table (the copy holds all writable memory).
            let readable = (memory.memory as? HeapCopy)?.regions ?? []
            let map = try walk.read(walk.locateTable(image: memory.image, readable: readable))
            let pinned = Pinning(map: map, objects: [], residency: nil, threshold: 0.1)
            result.arenas = CensusResult.Arenas(count: map.arenas.count, bytes: map.arenaBytes, usedBytes: map.usedBytes,
                                                pinnedBytes: pinned.bytes)
        } catch {
            result.notes.append("pymalloc arenas not read: \(error)")
        }
    }
}
