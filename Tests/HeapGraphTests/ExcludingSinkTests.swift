import Foundation
import HeapGraph
import Testing
import TestSupport

/// ``ExcludingSink``: what `memlens run` leaves out of a snapshot the target asked for.
@Suite("Leaving objects out of a snapshot as it is written")
struct ExcludingSinkTests {
    @Test("An excluded object, the references to it and the root at it are gone; a frame's names stay in line with its referents")
    func leavesOut() throws {
        let path = try TestPaths.temporaryFolder("excluding").appendingPathComponent("s.mlh").path
        // GIVEN a frame 0x100 whose referents are a kept list 0x200 (local 'keeper') and an excluded tuple 0x300 (local 'args')
        var sink = ExcludingSink(base: try MLHWriter(path: path, metadata: SnapshotMetadata()), excluded: [0x300])
        let frame = sink.typeID(named: "frame", typeObject: 0x10), list = sink.typeID(named: "list", typeObject: 0x20)
        let tuple = sink.typeID(named: "tuple", typeObject: 0x30)
        sink.addObject(address: 0x100, typeID: frame, size: 400, refcount: 1, flags: .gcTracked)
        sink.addReferent(0x300)
        sink.addReferent(0x200)
        sink.closeObject()
        sink.addLocalNames(address: 0x100, names: ["args", "keeper"])
        sink.addObject(address: 0x300, typeID: tuple, size: 56, refcount: 1, flags: .gcTracked)
        sink.addReferent(0x100)
        sink.closeObject()
        sink.addObject(address: 0x200, typeID: list, size: 72, refcount: 1, flags: .gcTracked)
        sink.closeObject()
        sink.addRoot(address: 0x300, kind: "local", name: "handler → local 'args'")
        sink.addRoot(address: 0x100, kind: "frame", name: "main()")
        try sink.base.commit()
        // WHEN it is read back
        let graph = try SnapshotLoader.load(path: path)
        // THEN the tuple, the edge to it and its root are gone, and the frame's one referent is named 'keeper'
        #expect(graph.count == 2)
        #expect(!graph.addresses.contains(0x300))
        #expect(sink.droppedObjects == 1 && sink.droppedEdges == 1)
        let frameIndex = try #require(graph.addresses.firstIndex(of: 0x100))
        #expect(graph.referents(of: frameIndex).map { graph.addresses[Int($0)] } == [0x200])
        #expect(graph.localNames[UInt32(frameIndex)] == ["keeper"])
        #expect(graph.roots.map(\.name) == ["main()"])
        #expect(graph.unresolvedEdgeCount == 0)
    }
}
