import Foundation
import HeapAnalysis
import HeapGraph
import Testing

@Suite("meliae JSON reading")
struct MeliaeReaderTests {
    func load(_ text: String) throws -> HeapGraph {
        let url = FileManager.default.temporaryDirectory.appending(path: "meliae-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SnapshotLoader.load(path: url.path)
    }

    @Test("Lines as meliae 0.4/0.5 writes them, escapes and all")
    func realLines() throws {
        let graph = try load("""
            {"address": 140000, "type": "module", "size": 56, "name": "sys", "refs": [140016]}
            {"address": 140016, "type": "dict", "size": 1184, "len": 1, "refs": [140032, 140048]}
            {"address": 140032, "type": "str", "size": 54, "len": 5, "value": "a\\"b\\\\c\\u00e9\\n", "refs": []}
            {"address": 140048, "type": "int", "size": 28, "value": -12, "refs": []}
            {"address": 140064, "type": "float", "size": 24, "value": 1.5e3, "refs": []}
            {"address": 140080, "type": "tuple", "size": 64, "len": 2, "refs": [140032, 999]}

            """)
        #expect(graph.count == 6)
        #expect(graph.values.value(of: 2) == .text("a\"b\\cé\n", length: 5))
        #expect(graph.values.value(of: 3) == .int(-12))
        #expect(graph.values.value(of: 4) == .float(1500))
        #expect(graph.roots == [Root(object: 0, kind: "module", name: "sys")])
        #expect(Array(graph.referents(of: 1)) == [2, 3])
        #expect(graph.unresolvedEdgeCount == 1)
        #expect(graph.length(of: 5) == 1)
    }

    @Test("A repeated address keeps the first record; edges point at it")
    func duplicates() throws {
        let graph = try load("""
            {"address": 48, "type": "list", "size": 72, "refs": [16, 32]}
            {"address": 16, "type": "str", "size": 50, "value": "a", "refs": []}
            {"address": 16, "type": "str", "size": 50, "value": "a", "refs": []}
            {"address": 32, "type": "tuple", "size": 56, "refs": [16]}

            """)
        #expect(graph.count == 3)
        #expect(graph.addresses == [48, 16, 32])
        #expect(Array(graph.referents(of: 0)) == [1, 2])
        #expect(Array(graph.referents(of: 2)) == [1])
        #expect(graph.values.value(of: 2) == nil)
        #expect(graph.values.value(of: 1) == .text("a", length: 1))
        #expect(AddressLookup(graph).index(of: 32) == 2)
    }

    @Test("A broken line names the file, line and offset")
    func brokenLine() throws {
        #expect {
            _ = try load("{\"address\": 1, \"type\": \"int\", \"size\": 28, \"refs\": []}\n{\"address\": 2, \"type\": \"int\" \"size\"}\n")
        } throws: { error in
            let message = "\(error)"
            return message.contains("line 2") && message.contains("column 30") && message.contains("offset 83")
        }
    }

    @Test("Summary by type, with and without instance dicts folded")
    func summaryAndCollapse() throws {
        // An instance of Foo whose __dict__ (held only by it) holds a str.
        let graph = try load("""
            {"address": 16, "type": "type", "size": 900, "refs": []}
            {"address": 32, "type": "mod.Foo", "size": 48, "refs": [48, 16]}
            {"address": 48, "type": "dict", "size": 232, "len": 1, "refs": [64, 80]}
            {"address": 64, "type": "str", "size": 50, "value": "x", "refs": []}
            {"address": 80, "type": "str", "size": 52, "value": "abc", "refs": []}
            {"address": 96, "type": "dict", "size": 64, "refs": [48]}

            """)
        let plain = TypeSummary(graph)
        #expect(plain.types.first?.type == "type")
        #expect(plain.types.first { $0.type == "dict" }?.count == 2)
        let collapse = InstanceDictCollapse(graph)
        // As in meliae 0.5, the dict's other referrer (96) does not matter.
        #expect(collapse.foldedCount == 1)

        let owned = try load("""
            {"address": 16, "type": "type", "size": 900, "refs": []}
            {"address": 32, "type": "mod.Foo", "size": 48, "refs": [48, 16]}
            {"address": 48, "type": "dict", "size": 232, "len": 1, "refs": [64, 80]}
            {"address": 64, "type": "str", "size": 50, "value": "x", "refs": []}

            """)
        let folded = TypeSummary(owned, collapsing: InstanceDictCollapse(owned))
        #expect(folded.types.first { $0.type == "mod.Foo" }?.size == 280)
        #expect(!folded.types.contains { $0.type == "dict" })
        #expect(folded.totalSizeBytes == TypeSummary(owned).totalSizeBytes)
    }
}
