import Foundation
import HeapGraph
import Testing
import TestSupport

@Suite("meliae JSON export and import")
struct MeliaeRoundTripTests {
    @Test(".mlh → meliae JSON → load gives the same objects, sizes and edges",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func roundTrip() throws {
        let python = try #require(PythonInterpreter.installed.last)
        let (graph, _, folder) = try snapshotLeakedThings(python, label: "meliae")
        let json = folder.appending(path: "dump.json").path

        try MeliaeWriter.write(graph, to: json)
        let again = try SnapshotLoader.load(path: json)

        #expect(again.metadata.source == "meliae")
        #expect(again.count == graph.count)
        #expect(again.edgeCount == graph.edgeCount)
        let lookup = AddressLookup(again)
        var mismatches = 0
        for i in 0..<graph.count {
            guard let j = lookup.index(of: graph.addresses[i]) else { mismatches += 1; continue }
            let referents = graph.referents(of: i).map { graph.addresses[Int($0)] }
            let referentsAgain = again.referents(of: j).map { again.addresses[Int($0)] }
            if graph.sizes[i] != again.sizes[j] || graph.typeName(of: i) != again.typeName(of: j) || referents != referentsAgain {
                mismatches += 1
            }
            if graph.values.value(of: i) != again.values.value(of: j), case .text? = graph.values.value(of: i) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test(".mlh → memlens's own writer → load gives an identical graph",
          .enabled(if: !PythonInterpreter.installed.isEmpty))
    func mlhRoundTrip() throws {
        let python = try #require(PythonInterpreter.installed.first)
        let (graph, _, folder) = try snapshotLeakedThings(python, label: "mlh")
        let copy = folder.appending(path: "copy.mlh").path
        try MLHWriter.write(graph, to: copy)
        let again = try SnapshotLoader.load(path: copy)
        #expect(again.addresses == graph.addresses)
        #expect(again.typeIDs.map { again.typeNames[Int($0)] } == graph.typeIDs.map { graph.typeNames[Int($0)] })
        #expect(again.sizes == graph.sizes)
        #expect(again.refcounts == graph.refcounts)
        #expect(again.flags == graph.flags)
        #expect(again.edgeStarts == graph.edgeStarts)
        #expect(again.edgeTargets == graph.edgeTargets)
        #expect(again.roots == graph.roots)
        #expect(again.closureNames == graph.closureNames)
        #expect(again.typeObjectNames == graph.typeObjectNames)
        func same(_ a: ObjectValue?, _ b: ObjectValue?) -> Bool {
            if case .float(let x)? = a, case .float(let y)? = b { return x.bitPattern == y.bitPattern }  // NaN ≠ NaN
            return a == b
        }
        let differing = (0..<graph.count).filter { !same(again.values.value(of: $0), graph.values.value(of: $0)) }
        #expect(differing.isEmpty, "\(differing.prefix(3).map { (graph.values.value(of: $0), again.values.value(of: $0)) })")
    }
}
