import Foundation
import HeapGraph
import Testing
import TestSupport

@Suite("Export to DevTools and Graphviz", .serialized)
struct ExportTests {
    @Test("The .heapsnapshot keeps every V8 invariant, and its dominators give memlens's retained sizes", .needsPython)
    func heapSnapshotMatchesRetained() throws {
        // GIVEN a snapshot of the leaked-thing target (12,345 objects behind a closure)
        let (mlh, folder, graph) = try leakedThingSnapshotFile(label: "heapsnapshot")
        let python = try #require(PythonInterpreter.installed.last)
        let output = folder.appending(path: "app.heapsnapshot").path

        // WHEN it is exported and checked by an independent Python reader with networkx's dominators
        let export = try runCommand([TestPaths.memlens, "export", mlh, "--format", "heapsnapshot", "-o", output])
        try #require(export.status == 0, "\(export.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: output)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let venvPython = try PythonVenv.python(named: "networkx", packages: ["networkx"], base: python)
        let check = try runCommand([venvPython, try fixture("check_heapsnapshot.py"), output])
        try #require(check.status == 0, "checker: \(check.stderr)")
        struct Checked: Decodable { var nodes: Int; var edges: Int; var retained: [String: UInt64] }
        let checked = try JSONDecoder().decode(Checked.self, from: Data(check.stdout.utf8))

        // THEN it holds every object plus the two synthetic roots
        #expect(checked.nodes == graph.count + 2)
        #expect(checked.edges >= graph.edgeCount)
        // AND the top 100 retained sizes equal `memlens retained --json` to the byte
        let retained = try runCommand([TestPaths.memlens, "retained", mlh, "--top", "100", "--json"])
        try #require(retained.status == 0, "\(retained.stderr)")
        struct Row: Decodable { var address: String; var retained: UInt64 }
        let rows = try #require(try JSONDecoder().decode([String: [Row]].self, from: Data(retained.stdout.utf8))["objects"])
        #expect(rows.count == 100)
        for row in rows { #expect(checked.retained[row.address] == row.retained, "\(row.address)") }
    }

    @Test("Chromium's own DevTools loads the .heapsnapshot offline: LeakedThing ×12,345, retained as memlens computes it", .needsPython)
    func devToolsLoadsIt() throws {
        // GIVEN the leaked-thing snapshot exported for DevTools
        let (mlh, folder, graph) = try leakedThingSnapshotFile(label: "devtools")
        let python = try #require(PythonInterpreter.installed.last)
        let chromium = try #require(HeadlessChromium.path, "Chromium is missing (.ci/run installs Debian's chromium)")
        let output = folder.appending(path: "app.heapsnapshot").path
        let export = try runCommand([TestPaths.memlens, "export", mlh, "--format", "heapsnapshot", "-o", output])
        try #require(export.status == 0, "\(export.stderr)")

        // WHEN the DevTools bundled in Chromium parses it in its heap snapshot worker (Memory → Load, driven over the DevTools protocol)
        let load = try runCommand([python.path, try fixture("devtools_load.py"), chromium, output, "__main__.LeakedThing"],
            timeoutSeconds: 180)
        try #require(load.status == 0, "\(load.stderr)")
        struct Class: Decodable { var count: Int; var retained: UInt64 }
        struct Loaded: Decodable { var total: UInt64; var nodes: Int; var errors: Int; var classes: [String: Class?] }
        let loaded = try JSONDecoder().decode(Loaded.self, from: Data(load.stdout.utf8))

        // THEN DevTools sees every object and byte, with no error
        #expect(loaded.errors == 0)
        #expect(loaded.nodes == graph.count + 2)
        #expect(loaded.total == graph.totalSizeBytes)
        // AND its Summary row for LeakedThing has the 12,345 objects and memlens's retained size for the type
        let leaked = try #require(loaded.classes["__main__.LeakedThing"] ?? nil)
        #expect(leaked.count == 12_345)
        let byType = try runCommand([TestPaths.memlens, "retained", mlh, "--by", "type", "--top", "1000", "--json"])
        struct TypeRow: Decodable { var type: String; var retained: UInt64 }
        let rows = try JSONDecoder().decode([String: [TypeRow]].self, from: Data(byType.stdout.utf8))["types"] ?? []
        #expect(rows.first { $0.type == "__main__.LeakedThing" }?.retained == leaked.retained)
    }

    @Test("DOT of the top dominators renders with dot -Tsvg, one box per object", .needsPython)
    func dotRenders() throws {
        let dotTool = try #require(["/usr/bin/dot", "/usr/local/bin/dot"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "Graphviz is missing (.ci/run installs Debian's graphviz)")
        let (mlh, folder, _) = try leakedThingSnapshotFile(label: "dot")
        let output = folder.appending(path: "dominators.dot").path

        // WHEN the top 25 dominators are exported, and again under the biggest one
        let export = try runCommand([TestPaths.memlens, "export", mlh, "--format", "dot", "--top", "25", "-o", output])
        try #require(export.status == 0, "\(export.stderr)")
        let svg = try runCommand([dotTool, "-Tsvg", output])
        try #require(svg.status == 0, "\(svg.stderr)")
        // THEN Graphviz draws exactly 25 nodes
        #expect(svg.stdout.components(separatedBy: "class=\"node\"").count - 1 == 25)

        struct Row: Decodable { var address: String }
        let top = try runCommand([TestPaths.memlens, "retained", mlh, "--top", "1", "--json"])
        let address = try #require(try JSONDecoder().decode([String: [Row]].self, from: Data(top.stdout.utf8))["objects"]?.first?.address)
        let under = try runCommand([TestPaths.memlens, "export", mlh, "--format", "dot", "--top", "5", "--root", address, "-o", output])
        try #require(under.status == 0, "\(under.stderr)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.components(separatedBy: "[label=\"").count - 1 >= 5)
        #expect(try runCommand([dotTool, "-Tsvg", output]).status == 0)
        // AND a bad count or address is a usage error
        #expect(try runCommand([TestPaths.memlens, "export", mlh, "--format", "dot", "--top", "0", "-o", output]).status == 64)
        #expect(try runCommand([TestPaths.memlens, "export", mlh, "--format", "dot", "--root", "zz", "-o", output]).status == 64)
    }
}
