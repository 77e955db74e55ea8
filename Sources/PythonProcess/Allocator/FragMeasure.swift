public import Fragmentation
import ProcFS
import ProcessModels
import Foundation

extension FragAnalysis {
    /// Measures process `pid`. `pinnedThreshold` is the used fraction of an
    /// arena at or under which it counts as pinned; `owners`: walk the objects for
    /// the native memory they own (a second stop, for the copy).
    public static func measure(pid: Int32, pinnedThreshold: Double = 0.1, owners: Bool = true) throws -> FragAnalysis {
        try measure(try PythonProcess(pid: pid), pinnedThreshold: pinnedThreshold, owners: owners)
    }

    /// Measures the interpreter `python` found.
    public static func measure(_ python: PythonProcess, pinnedThreshold: Double = 0.1, owners: Bool = true) throws -> FragAnalysis {
        let pid = python.pid
        try python.requireSupportedVersion()
        let version = python.version
        guard let layout = ObmallocLayout.forVersion(major: version.major, minor: version.minor, micro: version.micro) else {
            throw FragmentationError.unsupportedPython(python.version.description)
        }
        let allocators = Allocators.detect(pid: pid, mappings: python.mappings)
        let memory = python.memory
        let pages = try? PageMap(pid: pid)
        let (state, pause) = try readStopped(python, layout: layout, allocators: allocators, pinnedThreshold: pinnedThreshold)
        let residency = pages.map { ArenaResidency.read(state.map, pages: $0) }
        let pinning = Pinning(map: state.map, objects: state.pinned, residency: residency, threshold: pinnedThreshold)
        let (heap, heapNote) = settled(state.heap, pages: pages, allocators: allocators)
        let footprint = try FootprintReader().read(pid: pid, detail: .mappings)
        var account = MemoryAccount.build(mappings: footprint.mappings ?? MappingTable(), arenas: state.map, residency: residency,
                                          heap: heap, pages: pages) {
            MmappedChunkScan.chunks(in: $0, arenaStarts: $1, arenaBytes: $2, memory: memory)
        }
        account.ussBytes = footprint.ussBytes
        if owners { attributeOwners(python, map: state.map, heap: heap, pages: pages, to: &account) }
        return FragAnalysis(pid: pid, python: python.version.description, layout: layout, arenas: state.map, tableOrigin: state.origin,
                            tableLocateSeconds: state.locateSeconds, residency: residency, pinning: pinning, heap: heap,
                            heapNote: heapNote, account: account, allocators: allocators,
                            rssBytes: footprint.rssBytes, ussBytes: footprint.ussBytes, pauseSeconds: pause)
    }

    /// What `frag` reads with the target stopped: the arena table (found by symbol, or searched for),
    /// pool headers, the pinned arenas' pools and the glibc heap's chunk headers.
    struct StoppedRead {
        var map: ArenaMap
        var origin: ArenaTableOrigin
        var locateSeconds: Double
        var pinned: [Pinning.PinnedObject]
        var heap: Result<GlibcHeap, any Error>?
    }

    /// Stops `python`'s process, reads what ``StoppedRead`` holds and resumes it; the pause in seconds.
    /// (Residency, from the pagemap, is read after resuming.)
    static func readStopped(_ python: PythonProcess, layout: ObmallocLayout, allocators: Allocators,
                            pinnedThreshold: Double) throws -> (StoppedRead, Double) {
        let pid = python.pid, memory = python.memory, version = python.version
        let walk = ArenaWalk(layout: layout, memory: memory)
        let types = python.address(of: "PyType_Type").flatMap { typeType in
            PythonLayout.forVersion(version).map { TypeNames(memory: memory, typeType: typeType, layout: $0) }
        }
        let heapRange = python.mappings.mappings.first { python.mappings.path(of: $0) == "[heap]" }.map { ($0.start, $0.end) }
        let (stopped, pause) = try ThreadStopper.whileStopped(pid: pid) { () throws(ProcessAccessError) -> Result<StoppedRead, any Error> in
            do {
                let start = DispatchTime.now().uptimeNanoseconds
                var table: ArenaWalk.TableAddresses?
                do {
                    table = try walk.locateTable(image: python.image, readable: Self.readableRanges(pid: pid))
                } catch FragmentationError.tableNotFound where allocators.pymallocDisabled {
                    // PYTHONMALLOC=malloc: no object is in a pool, so nothing to search from, and no arenas.
                }
                let locateSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let map = try table.map { try walk.read($0) } ?? ArenaMap(layout: layout, arenas: [], reportedArenaCount: nil)
                let pinned = Pinning.readObjects(map, threshold: pinnedThreshold, memory: memory, types: types)
                let heap = heapRange.map { range in
                    Result { try GlibcHeap.walk(start: range.0, end: range.1, memory: memory) }
                }
                return .success(StoppedRead(map: map, origin: table?.origin ?? .search, locateSeconds: locateSeconds,
                                            pinned: pinned, heap: heap))
            } catch {
                return .failure(error)
            }
        }
        return (try stopped.get(), pause)
    }

    /// The walked glibc heap with its residency measured, or the note saying why there is none.
    static func settled(_ walk: Result<GlibcHeap, any Error>?, pages: PageMap?, allocators: Allocators) -> (GlibcHeap?, String?) {
        switch walk {
        case .success(var heap):
            if let pages { heap.measureResidency(pages) }
            return (heap, nil)
        case .failure(let error): return (nil, "the glibc heap could not be walked: \(error)")
        case nil: return (nil, allocators.replacement.map { "malloc is \($0): glibc's heap is not used" } ?? "no [heap] mapping")
        }
    }

    /// Walks the objects from a copy (a second, short stop: numpy arrays are not collected,
    /// only reachable) and gives `account` the native memory they own, or says why not.
    static func attributeOwners(_ python: PythonProcess, map: ArenaMap, heap: GlibcHeap?, pages: PageMap?,
                                to account: inout MemoryAccount) {
        do {
            let arenas = map.arenas.map { $0.address..<$0.address.addingSaturated(map.layout.arenaBytes) }
            account.attribute(try NativeOwners.read(python), heap: heap, arenas: arenas, pages: pages)
        } catch { account.owned.note = "the objects could not be walked: \(error)" }
    }

    /// Where the arena table may be in `pid` now: its private writable mappings (the table is
    /// allocated memory; read-only ones and `[vvar]` would only fail or slow the search's reads).
    static func readableRanges(pid: Int32) -> [Range<UInt64>] {
        let mappings = (try? ProcReader.maps(pid: pid))?.mappings ?? []
        return mappings.filter { $0.permissions.readable && $0.permissions.writable && !$0.permissions.shared && $0.end > $0.start }
            .map { $0.start..<$0.end }
    }
}
