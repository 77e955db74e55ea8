import Foundation
import HeapGraph
import Testing
import TestSupport

/// ``MLHWriter`` fed one object at a time, as the read-only walk feeds it,
/// read back by the `.mlh` reader.
@Suite("Writing a snapshot as the walk goes")
struct StreamingWriterTests {
    /// 20,000 objects (three chunks and more, as the flags change), a type first
    /// used in the last chunk, values of every kind, names and a root.
    func feed(_ writer: inout MLHWriter, objects: Int) {
        let list = writer.typeID(named: "list", typeObject: 0x1000)
        for i in 0..<objects {
            let address = 0x10_0000 + UInt64(i) * 16
            let late = i == objects - 1
            let type = late ? writer.typeID(named: "late.Type", typeObject: 0x2000) : list
            let flags: ObjectFlags = i % 5000 < 10 ? [.gcTracked, .conservativeReferents] : .gcTracked
            writer.addObject(address: address, typeID: type, size: UInt64(56 + i % 7), refcount: UInt32(1 + i % 3), flags: flags)
            if i > 0 { writer.addReferent(address - 16) }
            writer.closeObject()
            switch i % 4 {
            case 0:
                var text = "é\(i)"
                text.withUTF8 { writer.setData(.text, UnsafeRawBufferPointer($0), length: 500) }
            case 1: writer.setNumber(.int, bits: UInt64(bitPattern: Int64(-i)))
            default: break
            }
        }
        writer.nameTypeObject(address: 0x10_0000, name: "mod.NoInstances")
        writer.addClosure(address: 0x10_0010, names: ["x"])
        writer.addLocalNames(address: 0x10_0020, names: ["", "leak"])
        writer.addRoot(address: 0x10_0000, kind: "module", name: "__main__")
    }

    @Test("Objects, referents, values, types, names and roots read back as written; conservative counts from the chunk flags")
    func roundTrip() throws {
        let path = try TestPaths.temporaryFolder("stream").appendingPathComponent("s.mlh").path
        var metadata = SnapshotMetadata()
        metadata.method = "read-only"
        var writer = try MLHWriter(path: path, metadata: metadata)
        feed(&writer, objects: 20_000)
        try writer.commit()

        let graph = try SnapshotLoader.load(path: path)
        #expect(graph.count == 20_000)
        #expect(graph.edgeCount == 19_999)
        #expect(graph.typeName(of: 19_999) == "late.Type" && graph.typeName(of: 5) == "list")
        let referents: [UInt64] = graph.referents(of: 7).map { graph.addresses[Int($0)] }
        #expect(referents == [0x10_0000 + 6 * 16])
        #expect(graph.sizes[3] == 59 && graph.refcounts[4] == 2)
        #expect(graph.values.value(of: 8) == .text("é8", length: 500))
        #expect(graph.values.value(of: 9) == .int(-9))
        #expect(graph.values.value(of: 10) == nil)
        #expect(graph.typeObjectNames[0] == "mod.NoInstances")
        #expect(graph.closureNames[1] == ["x"] && graph.localNames[2] == ["", "leak"])
        #expect(graph.roots == [Root(object: 0, kind: "module", name: "__main__")])
        #expect(graph.metadata.conservativeObjects == 40 && graph.metadata.conservativeEdges == 39)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test("A walk started over (a new copy) leaves only what came after; a writer dropped uncommitted leaves no file")
    func restartAndAbandon() throws {
        let folder = try TestPaths.temporaryFolder("stream")
        let path = folder.appendingPathComponent("s.mlh").path
        var writer = try MLHWriter(path: path, metadata: SnapshotMetadata())
        feed(&writer, objects: 30_000)
        writer = writer.restarted()
        feed(&writer, objects: 100)
        try writer.commit()
        let graph = try SnapshotLoader.load(path: path)
        #expect(graph.count == 100 && graph.typeNames == ["list", "late.Type", "mod.NoInstances"])

        do {
            var dropped = try MLHWriter(path: folder.appendingPathComponent("dropped.mlh").path, metadata: SnapshotMetadata())
            feed(&dropped, objects: 10_000)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["s.mlh"])
    }
}
