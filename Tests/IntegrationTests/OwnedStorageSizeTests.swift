import Foundation
import HeapGraph
import Testing
import TestSupport

/// The read-only snapshot sizes the stdlib types that own storage (bytearray,
/// BytesIO, array, deque, Struct, Decimal, picklers, itertools, Element,
/// OrderedDict…) by their layout: each object's size is what `sys.getsizeof`
/// told the target, found by its address.
@Suite("memlens snapshot PID: stdlib types that own storage, sized as sys.getsizeof", .serialized)
struct OwnedStorageSizeTests {
    @Test("Large instances and odd states: size == sys.getsizeof by id(), exact; a Python __sizeof__ is approximate, and counted",
          .timeLimit(.minutes(3)), arguments: PythonInterpreter.withModern)
    func sizesEqualGetsizeof(python: PythonInterpreter) throws {
        // GIVEN the target holding them, in read(2)
        let folder = try TestPaths.temporaryFolder("owned-storage-\(python.minor)")
        let path = folder.appending(path: "snapshot.mlh").path
        let target = try WaitingTarget(python, arguments: [try fixture("owned_storage.py")])
        defer { target.finish() }
        let truth = try JSONDecoder().decode(TargetTruth.self, from: Data(target.firstLine.utf8))

        // WHEN memlens reads it from outside
        let result = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", path])
        try #require(result.status == 0, "\(result.stderr)")
        target.finish()

        // THEN every object has the target's size, exactly
        let graph = try SnapshotLoader.load(path: path)
        var index: [UInt64: Int] = [:]
        for i in 0..<graph.count { index[graph.addresses[i]] = i }
        for object in truth.objects {
            let i = try #require(index[object.id], "\(python): \(object.name) (\(object.type)) not in the snapshot")
            #expect(graph.sizes[i] == object.size, "\(python): \(object.name) is \(graph.sizes[i]) bytes, sys.getsizeof \(object.size)")
            #expect(!graph.flags[i].contains(.approximateSize), "\(python): \(object.name) flagged approximate")
        }
        // A Python __sizeof__ stays approximate; the metadata and the summary give the count and the bytes.
        let approximate = try #require(index[truth.approximate])
        #expect(graph.flags[approximate].contains(.approximateSize))
        let flagged = (0..<graph.count).filter { graph.flags[$0].contains(.approximateSize) }
        let flaggedBytes = flagged.reduce(UInt64(0)) { $0 + graph.sizes[$1] }
        #expect(graph.metadata.approximateSizes == flagged.count)
        #expect(graph.metadata.approximateBytes == flaggedBytes)
        let (summary, json) = try memlensJSON(["summary", path, "--json"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(json["approximate_objects"] as? Int == flagged.count)
        #expect((json["approximate_bytes"] as? NSNumber)?.uint64Value == flaggedBytes)
        print("\(python): \(truth.objects.count) objects sized as sys.getsizeof; "
              + "\(flagged.count) objects (\(flaggedBytes) bytes) approximate")
    }

    /// What the target printed: its objects with `sys.getsizeof`, and the one of approximate size.
    struct TargetTruth: Decodable {
        struct Object: Decodable {
            var name: String
            var id: UInt64
            var size: UInt64
            var type: String
        }
        var objects: [Object]
        var approximate: UInt64
    }
}
