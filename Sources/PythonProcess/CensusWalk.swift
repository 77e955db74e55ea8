/// Walks the collector's generation lists in a ``HeapCopy`` (as
/// `gc.get_objects()` does, plus the permanent generation) and sizes every
/// object the way `sys.getsizeof` would.
struct CensusWalk {
    let copy: HeapCopy
    let reader: ObjectReader
    /// `_gc_runtime_state` in the target.
    let gcState: UInt64

    struct Totals {
        var generations: [CensusResult.Generation] = []
        var types: [CensusResult.TypeCount] = []
        /// Types in the permanent generation (`gc.freeze()`), apart.
        var permanentTypes: [CensusResult.TypeCount] = []
    }

    func run() throws(ProcessAccessError) -> Totals {
        let layout = reader.layout
        var totals = Totals()
        var index: [UInt64: Int] = [:]
        var sizings: [TypeSizing] = []
        var counts: [Int] = [], sizes: [UInt64] = []
        var permanentCounts: [Int] = [], permanentSizes: [UInt64] = []
        var permanent = false
        let limit = Int(copy.byteCount / 16)
        var visited = 0

        func walk(_ head: UInt64) throws(ProcessAccessError) -> Int {
            var objects = 0
            var previous = head
            guard var node = copy.word(at: head) else { throw .inconsistent(pid: 0, detail: "GC list head 0x\(String(head, radix: 16)) not copied") }
            while node != head {
                // 3.8+: `_gc_prev` keeps flags in its 2 low bits; `_gc_next` is a plain pointer outside a collection.
                guard let next = copy.word(at: node), let prev = copy.word(at: node + 8), prev & ~3 == previous else {
                    throw .inconsistent(pid: 0, detail: "GC list broken at 0x\(String(node, radix: 16))")
                }
                let object = node + layout.gcHeadSize
                guard let type = copy.word(at: object + 8), type != 0 else {
                    throw .inconsistent(pid: 0, detail: "object 0x\(String(object, radix: 16)) has no type")
                }
                let slot: Int
                if let known = index[type] { slot = known } else {
                    slot = sizings.count
                    index[type] = slot
                    sizings.append(try TypeSizing(type: type, reader: reader))
                    counts.append(0); sizes.append(0); permanentCounts.append(0); permanentSizes.append(0)
                }
                let size = try sizings[slot].sizeBytes(of: object, reader: reader)
                if permanent {
                    permanentCounts[slot] += 1; permanentSizes[slot] += size
                } else {
                    counts[slot] += 1; sizes[slot] += size
                }
                objects += 1
                visited += 1
                if visited > limit { throw .inconsistent(pid: 0, detail: "GC lists loop") }
                previous = node
                node = next
            }
            return objects
        }

        for generation in 0..<3 {
            let head = gcState &+ layout.gcGenerations &+ UInt64(generation) * layout.gcGenerationSize
            let objects = try walk(head)
            let threshold = try reader.memory.load(Int32.self, at: head &+ layout.gcGenerationThreshold)
            let count = try reader.memory.load(Int32.self, at: head &+ layout.gcGenerationCount)
            let stats = gcState &+ layout.gcGenerationStats &+ UInt64(generation) * layout.gcGenerationStatsSize
            let collections = try reader.memory.load(Int64.self, at: stats)
            totals.generations.append(.init(count: Int(count), threshold: Int(threshold), objects: objects,
                                            collections: collections >= 0 ? Int(collections) : nil))
        }
        permanent = true
        _ = try walk(gcState &+ layout.gcPermanentGeneration)
        for (slot, sizing) in sizings.enumerated() {
            if counts[slot] > 0 { totals.types.append(.init(type: sizing.name, count: counts[slot], size: sizes[slot], exact: sizing.exact)) }
            if permanentCounts[slot] > 0 {
                totals.permanentTypes.append(.init(type: sizing.name, count: permanentCounts[slot], size: permanentSizes[slot], exact: sizing.exact))
            }
        }
        return totals
    }
}
