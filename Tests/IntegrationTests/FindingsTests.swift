import Foundation
import Testing
import TestSupport

@Suite("Cycles, duplicate strings and leak suspects on a real target")
struct FindingsTests {
    func snapshot(_ python: PythonInterpreter) throws -> String {
        let folder = try TestPaths.temporaryFolder("findings-\(python.minor)")
        let run = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("findings_target.py")])
        return try #require(reportedSnapshots(run.stderr).first, "\(run.stderr)")
    }

    @Test("The ring of three Nodes, the 500 copies and the hoard are found", arguments: PythonInterpreter.installed)
    func findings(python: PythonInterpreter) throws {
        let path = try snapshot(python)

        // THEN cycles lists a component of exactly the three Node objects (plus
        // their instance dicts before 3.11, where attributes live in a dict)
        let cycles = try runCommand([TestPaths.memlens, "cycles", path, "--json", "--top", "1000"])
        struct Cycle: Decodable { var objects: Int; var types: [String: Int] }
        let components = try JSONDecoder().decode([String: [Cycle]].self, from: Data(cycles.stdout.utf8))["cycles"] ?? []
        #expect(components.contains { $0.types["__main__.Node"] == 3 && $0.types.keys.allSatisfy { ["__main__.Node",
            "dict"].contains($0) } },
                "\(components.filter { $0.types["__main__.Node"] != nil })")

        // AND dupes counts the 500 copies of one value
        let dupes = try runCommand([TestPaths.memlens, "dupes", path, "--json"])
        struct Value: Decodable { var value: String; var count: Int; var size: UInt64; var wasted: UInt64 }
        let values = try JSONDecoder().decode([String: [Value]].self, from: Data(dupes.stdout.utf8).filteredKeys())
        let copies = try #require(values["values"]?.first { $0.value == "duplicated-value-xyz" })
        #expect(copies.count == 500)
        #expect(copies.wasted == 499 * copies.size)

        // AND suspects names the hoard list with its path from the module
        let suspects = try runCommand([TestPaths.memlens, "suspects", path])
        #expect(suspects.stdout.contains("module __main__ → __dict__ → dict 0x"), "\(suspects.stdout)")
        #expect(suspects.stdout.contains("→ ['hoard'] → list 0x"), "\(suspects.stdout)")
    }
}

private extension Data {
    /// The JSON with only the "values" key kept (the document also has numbers).
    func filteredKeys() throws -> Data {
        let object = try JSONSerialization.jsonObject(with: self) as? [String: Any] ?? [:]
        return try JSONSerialization.data(withJSONObject: ["values": object["values"] ?? []])
    }
}
