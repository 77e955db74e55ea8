@testable import HeapGraph
import HeapAnalysis
import Testing

/// A heap written out by hand: each object's address, type, size, referents
/// and (for str) value; roots by address. Addresses are small numbers unless
/// a test places objects in pools.
struct HandBuiltHeap {
    struct Object {
        var address: UInt64
        var type: String
        var size: UInt64 = 32
        var refs: [UInt64] = []
        var text: String? = nil
    }

    var objects: [Object]
    var roots: [(address: UInt64, name: String)] = []
    var python = "3.11.7"

    func graph() -> HeapGraph {
        var metadata = SnapshotMetadata()
        metadata.python = python
        var builder = HeapGraphBuilder(metadata: metadata)
        for object in objects {
            let type = builder.typeID(named: object.type)
            let index = builder.addObject(address: object.address, typeID: type, size: object.size, refcount: 1)
            builder.closeObject(referents: object.refs)
            if let text = object.text { builder.setValue(.text(text, length: text.unicodeScalars.count), for: index) }
        }
        for root in roots { builder.addRoot(address: root.address, kind: "module", name: root.name) }
        return builder.finish()
    }
}

extension HeapGraph {
    /// The index of the object at `address` (the tests know it is there).
    func index(_ address: UInt64) -> Int { addresses.firstIndex(of: address) ?? -1 }
}

/// The HeapAnalysis algorithms on heaps small enough to check by hand; no interpreter.
@Suite("HeapAnalysis on hand-built heaps")
struct HandBuiltHeapTests {
    /// module 1 → dict 2 → list 3 → [Node 10 ⇄ Node 11 → Node 12 → Node 10] (a ring of three) and str 20, 21, 22.
    static let heap = HandBuiltHeap(objects: [
        .init(address: 1, type: "module", refs: [2]),
        .init(address: 2, type: "dict", size: 100, refs: [3]),
        .init(address: 3, type: "list", size: 80, refs: [10, 20, 21, 22]),
        .init(address: 10, type: "__main__.Node", size: 50, refs: [11]),
        .init(address: 11, type: "__main__.Node", size: 50, refs: [12]),
        .init(address: 12, type: "__main__.Node", size: 50, refs: [10]),
        .init(address: 20, type: "str", size: 60, text: "same"),
        .init(address: 21, type: "str", size: 60, text: "same"),
        .init(address: 22, type: "str", size: 70, text: "other"),
    ], roots: [(1, "__main__")])

    /// ``heap`` and garbage no root reaches: a tuple and a list that refer to
    /// each other (each counted once, so not held from outside) and a str in the list.
    static var heapWithGarbage: HandBuiltHeap {
        var heap = heap
        heap.objects += [
            .init(address: 30, type: "str", size: 40, text: "garbage"),
            .init(address: 31, type: "tuple", size: 16, refs: [32]),
            .init(address: 32, type: "list", size: 16, refs: [31, 30]),
        ]
        return heap
    }

    @Test("Cycles: the ring of three Nodes is one component, retaining its 150 bytes")
    func cycles() {
        let graph = Self.heap.graph()
        let cycles = Cycles(graph, retained: RetainedSizes(graph))
        #expect(cycles.components.count == 1)
        let ring = cycles.components.first
        #expect(Set(ring?.members.map { graph.addresses[$0] } ?? []) == [10, 11, 12])
        #expect(ring?.sizeBytes == 150)
        #expect(ring?.retainedBytes == 150)
    }

    @Test("Retained sizes: the list keeps the ring and the strings; the top object is the module")
    func retained() {
        let graph = Self.heap.graph()
        let sizes = RetainedSizes(graph)
        #expect(sizes.retainedBytes[graph.index(3)] == 80 + 150 + 60 + 60 + 70)
        #expect(sizes.largest(2).map { graph.addresses[$0] } == [1, 2])
    }

    @Test("Paths: from the module root through dict and list to each Node")
    func paths() {
        let graph = Self.heap.graph()
        let finder = PathFinder(graph, targets: [graph.index(11)])
        #expect(finder.path(to: graph.index(11))?.map { graph.addresses[$0] } == [1, 2, 3, 10, 11])
        let garbage = Self.heapWithGarbage.graph()
        #expect(PathFinder(garbage, targets: [garbage.index(30)]).path(to: garbage.index(30)) == nil)
    }

    @Test("Duplicate strings: 'same' twice wastes one copy's 60 bytes; 'other' is single")
    func dupes() {
        let graph = Self.heap.graph()
        let dupes = DuplicateStrings(graph)
        #expect(dupes.groups.count == 1)
        #expect(dupes.groups.first?.value == "same")
        #expect(dupes.groups.first?.count == 2)
        #expect(dupes.groups.first?.wastedBytes == 60)
    }

    @Test("Holders: the strings are held by the list, the unreachable one by nothing")
    func holders() {
        let graph = Self.heapWithGarbage.graph()
        let holders = Holders(graph, objects: [20, 21, 22, 30].map { graph.index($0) })
        #expect(holders.groups.count == 1)
        #expect(holders.groups.first?.holderPath.map { graph.addresses[$0] } == [1, 2, 3])
        #expect(Set(holders.groups.first?.objects.map { graph.addresses[$0] } ?? []) == [20, 21, 22])
        #expect(holders.unreachable.map { graph.addresses[$0] } == [30])
    }

    @Test("Diff: two more Nodes at new addresses, one str freed; matched objects are not new")
    func diff() {
        var newer = Self.heap
        newer.objects.removeAll { $0.address == 22 }
        newer.objects[2].refs = [10, 20, 21, 40, 41]
        newer.objects += [.init(address: 40, type: "__main__.Node", size: 50), .init(address: 41, type: "__main__.Node", size: 50)]
        let diff = HeapDiff(older: Self.heap.graph(), newer: newer.graph())
        #expect(diff.newObjects == 2)
        #expect(diff.freedObjects == 1)
        let node = diff.types.first { $0.type == "__main__.Node" }
        #expect(node?.newCount == 2)
        #expect(node?.countDelta == 2)
        #expect(node?.sizeDelta == 100)
        #expect(diff.types.first { $0.type == "str" }?.freedSize == 70)
        #expect(diff.types.first?.type == "__main__.Node")  // largest size increase first
    }

    @Test("Suspects: a list retaining most of the heap accumulates; a growing type names a new example")
    func suspects() {
        var newer = Self.heap
        newer.objects[2].refs += [40]
        newer.objects.append(.init(address: 40, type: "__main__.Node", size: 500))
        let graph = newer.graph()
        let suspects = LeakSuspects(graph, retained: RetainedSizes(graph), older: Self.heap.graph(), threshold: 0.5)
        #expect(suspects.accumulations.map { graph.addresses[$0.object] } == [3])
        let growth = suspects.growing.first { $0.type == "__main__.Node" }
        #expect(growth?.countDelta == 1)
        #expect(growth.flatMap { $0.example.map { graph.addresses[$0] } } == 40)
    }

    @Test("Pools: objects placed by address in 16 KiB pools and 1 MiB windows; a sparse window's objects pin it")
    func pools() {
        let pool: UInt64 = 16 << 10, arena: UInt64 = 1 << 20
        let base: UInt64 = 0x7f00_0000_0000
        // GIVEN 256 blocks of 512 bytes filling 8 pools (128 KiB: 12.5 % of the first window) and one str alone in a second window
        var objects: [HandBuiltHeap.Object] = (0..<256).map { .init(address: base + UInt64($0) * 512, type: "bytes", size: 512) }
        objects.append(.init(address: base + arena + 3 * pool, type: "str", size: 48))
        let graph = HandBuiltHeap(objects: objects).graph()
        let pools = SnapshotPools(graph, poolBytes: pool, arenaBytes: arena, threshold: 0.1)
        #expect(pools.windows.map(\.address) == [base, base + arena])
        #expect(pools.pools.map(\.address) == (0..<8).map { base + $0 * pool } + [base + arena + 3 * pool])
        #expect(pools.smallObjects == 257)
        #expect(pools.windowOccupancy == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        // THEN only the second window is sparse, and the str is what pins it
        #expect(pools.pinners.map { graph.addresses[$0] } == [base + arena + 3 * pool])
    }
}
