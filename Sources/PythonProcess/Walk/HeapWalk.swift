import ProcessModels
/// The one walk over a heap copy (a ``HeapCopy`` of a live process or a
/// core's memory): the collector's generation lists (as `gc.get_objects()`
/// walks them, plus the permanent generation), each object's type resolved
/// once and sized the way `sys.getsizeof` would. The census counts what it
/// visits (``censusTotals()``); the read-only snapshot goes on from the same
/// objects to their referents (``HeapWalk/graph(values:)``).
///
/// A class: the type table is shared, mutable state of one walk.
final class HeapWalk {
    let copy: HeapCopy
    let reader: ObjectReader
    /// `_gc_runtime_state` in the target.
    let gcState: UInt64
    /// Type object address → index into ``sizings``.
    @exclusivity(unchecked) var typeSlots: [UInt64: Int] = [:]
    /// A direct-mapped cache in front of ``typeSlots``: most objects share a few
    /// types, and a hash lookup per object cost a tenth of the walk.
    @exclusivity(unchecked) private var cachedTypes = [UInt64](repeating: 0, count: 256)
    @exclusivity(unchecked) private var cachedSlots = [Int](repeating: 0, count: 256)
    /// By slot: how instances are sized (plain data, copied per object without reference counting).
    @exclusivity(unchecked) var sizings: [TypeSizing] = []
    /// Type names and type object addresses, by slot.
    @exclusivity(unchecked) var typeNames: [String] = []
    @exclusivity(unchecked) var typeAddresses: [UInt64] = []

    init(copy: HeapCopy, reader: ObjectReader, gcState: UInt64) {
        self.copy = copy
        self.reader = reader
        self.gcState = gcState
    }

    struct Totals {
        var generations: [CensusResult.Generation] = []
        var types: [CensusResult.TypeCount] = []
        /// Types in the permanent generation (`gc.freeze()`), apart.
        var permanentTypes: [CensusResult.TypeCount] = []
        /// Types with a negative `tp_basicsize` or `tp_itemsize` (``TypeSizing/corrupt``) and their objects.
        var corruptTypes: [(name: String, objects: Int)] = []
    }

    /// The slot of the type at `type`, reading its sizing the first time.
    func slot(ofType type: UInt64) throws(ProcessAccessError) -> Int {
        if let known = knownSlot(ofType: type) { return known }
        let slot = sizings.count
        let name = try reader.typeName(type)
        sizings.append(try TypeSizing(type: type, reader: reader))
        typeNames.append(name)
        typeAddresses.append(type)
        typeSlots[type] = slot
        return slot
    }

    /// The slot of the type at `type` if it was read already.
    @inline(__always)
    func knownSlot(ofType type: UInt64) -> Int? {
        let line = Int(truncatingIfNeeded: (type >> 4 ^ type >> 12) & 255)
        if cachedTypes[line] == type, type != 0 { return cachedSlots[line] }
        guard let slot = typeSlots[type] else { return nil }
        cachedTypes[line] = type
        cachedSlots[line] = slot
        return slot
    }

    /// Walks the three generations, then the permanent one, calling
    /// `visit(object, typeSlot, permanent)` for every object. Returns the
    /// generations' counters. A broken or looping list throws `.inconsistent` with the address.
    func walkGenerations(_ visit: (UInt64, Int,
        Bool) throws(ProcessAccessError) -> Void) throws(ProcessAccessError) -> [CensusResult.Generation] {
        let layout = reader.layout
        let limit = Int(copy.byteCount / 16)
        var visited = 0

        func walk(_ head: UInt64, permanent: Bool) throws(ProcessAccessError) -> Int {
            var objects = 0
            var previous = head
            guard var node = copy.word(at: head) else { throw .inconsistent(pid: 0,
                detail: "GC list head 0x\(String(head, radix: 16)) not copied") }
            while node != head {
                // 3.8+: `_gc_prev` keeps flags in its 2 low bits; `_gc_next` is a plain pointer outside a collection.
                guard let next = copy.word(at: node), let prev = copy.word(at: node &+ 8), prev & ~3 == previous else {
                    throw .inconsistent(pid: 0, detail: "GC list broken at 0x\(String(node, radix: 16))")
                }
                let object = node &+ layout.gcHeadSize  // wrapping: nodes come from the target
                guard let type = copy.word(at: object &+ reader.layout.objects.type), type != 0 else {
                    throw .inconsistent(pid: 0, detail: "object 0x\(String(object, radix: 16)) has no type")
                }
                try visit(object, try slot(ofType: type), permanent)
                objects += 1
                visited += 1
                if visited > limit { throw .inconsistent(pid: 0, detail: "GC lists loop") }
                previous = node
                node = next
            }
            return objects
        }

        var generations: [CensusResult.Generation] = []
        for generation in 0..<3 {
            let head = gcState &+ layout.gcGenerations &+ UInt64(generation) * layout.gcGenerationSize
            let objects = try walk(head, permanent: false)
            let threshold = try reader.memory.load(Int32.self, at: head &+ layout.gcGenerationThreshold)
            let count = try reader.memory.load(Int32.self, at: head &+ layout.gcGenerationCount)
            // 3.15 keeps the statistics in ring buffers behind a pointer: not read (nil).
            let stats = gcState &+ layout.gcGenerationStats &+ UInt64(generation) &* layout.gcGenerationStatsSize
            let collections = layout.gcStatsArePointer ? -1 : try reader.memory.load(Int64.self, at: stats)
            generations.append(.init(count: Int(count), threshold: Int(threshold), objects: objects,
                                     collections: collections >= 0 ? Int(collections) : nil))
        }
        _ = try walk(gcState &+ layout.gcPermanentGeneration, permanent: true)
        return generations
    }

    /// The census: objects and `sys.getsizeof` bytes per type, the permanent generation apart.
    func censusTotals() throws(ProcessAccessError) -> Totals {
        var counts: [Int] = [], sizes: [UInt64] = []
        var permanentCounts: [Int] = [], permanentSizes: [UInt64] = []
        var totals = Totals()
        totals.generations = try walkGenerations { (object, slot, permanent) throws(ProcessAccessError) in
            while counts.count <= slot { counts.append(0); sizes.append(0); permanentCounts.append(0); permanentSizes.append(0) }
            let size = try sizings[slot].sizeBytes(of: object, reader: reader)
            if permanent {
                permanentCounts[slot] += 1; permanentSizes[slot] = permanentSizes[slot].addingSaturated(size)
            } else {
                counts[slot] += 1; sizes[slot] = sizes[slot].addingSaturated(size)  // sizes read from a corrupt heap may be huge
            }
        }
        for slot in counts.indices {
            let sizing = sizings[slot], name = typeNames[slot]
            if sizing.corrupt { totals.corruptTypes.append((name, counts[slot] + permanentCounts[slot])) }
            if counts[slot] > 0 { totals.types.append(.init(type: name, count: counts[slot], size: sizes[slot], exact: sizing.exact)) }
            if permanentCounts[slot] > 0 {
                totals.permanentTypes.append(.init(type: name, count: permanentCounts[slot], size: permanentSizes[slot],
                                                   exact: sizing.exact))
            }
        }
        return totals
    }
}
