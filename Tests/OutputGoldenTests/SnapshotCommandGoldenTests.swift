import Foundation
import TestSupport
import Testing

/// Every command that reads snapshot files, run as a user runs it (the built
/// `memlens`, text and `--json`, files it writes) on ``GoldenHeaps``: stdout,
/// stderr and status byte for byte against goldens recorded before issue 26's
/// refactoring. The `.mlh` files the writer makes are goldens too.
@Suite("Snapshot commands, golden")
struct SnapshotCommandGoldenTests {
    /// The folder holding the three snapshots (written once per test run).
    static let folder: URL? = {
        guard let folder = try? TestPaths.temporaryFolder("golden") else { return nil }
        return (try? GoldenHeaps.write(into: folder)) == nil ? nil : folder
    }()

    /// A run's name (the golden's) and its arguments; `@/` stands for the snapshots' folder.
    static let runs: [(String, [String])] = [
        ("summary", ["summary", "@/older.mlh"]),
        ("summary-top2", ["summary", "@/older.mlh", "--top", "2"]),
        ("summary-collapse", ["summary", "@/older.mlh", "--collapse-dicts"]),
        ("summary-json", ["summary", "@/older.mlh", "--json"]),
        ("summary-collapse-json", ["summary", "@/newer.mlh", "--collapse-dicts", "--json"]),
        ("retained", ["retained", "@/older.mlh"]),
        ("retained-json", ["retained", "@/older.mlh", "--json"]),
        ("retained-types", ["retained", "@/newer.mlh", "--by", "type"]),
        ("retained-types-json", ["retained", "@/newer.mlh", "--by", "type", "--json"]),
        ("retained-object", ["retained", "@/older.mlh", "--address", "0x7f3a00012000"]),
        ("retained-object-json", ["retained", "@/older.mlh", "--address", "7f3a00012000", "--json"]),
        ("paths-type", ["paths", "@/older.mlh", "--type", "Node"]),
        ("paths-type-json", ["paths", "@/older.mlh", "--type", "__main__.Node", "--json"]),
        ("paths-type-dot", ["paths", "@/newer.mlh", "--type", "Leak", "--dot"]),
        ("paths-address", ["paths", "@/older.mlh", "--address", "0x7f3a00012040"]),
        ("paths-address-json", ["paths", "@/older.mlh", "--address", "0x7f3a00012040", "--json"]),
        ("paths-missing", ["paths", "@/older.mlh", "--type", "Nod"]),
        ("referrers", ["referrers", "@/older.mlh", "--address", "0x7f3a00013000"]),
        ("referrers-json", ["referrers", "@/older.mlh", "--address", "0x7f3a00013000", "--json"]),
        ("diff", ["diff", "@/older.mlh", "@/newer.mlh"]),
        ("diff-json", ["diff", "@/older.mlh", "@/newer.mlh", "--json"]),
        ("diff-survivors", ["diff", "@/older.mlh", "@/newer.mlh", "@/newest.mlh", "--survivors"]),
        ("diff-survivors-json", ["diff", "@/older.mlh", "@/newer.mlh", "@/newest.mlh", "--survivors", "--json"]),
        ("cycles", ["cycles", "@/older.mlh"]),
        ("cycles-json", ["cycles", "@/older.mlh", "--json"]),
        ("dupes", ["dupes", "@/older.mlh", "--top", "1"]),
        ("dupes-json", ["dupes", "@/older.mlh", "--json"]),
        ("suspects", ["suspects", "@/newer.mlh", "@/older.mlh"]),
        ("suspects-json", ["suspects", "@/newer.mlh", "@/older.mlh", "--json"]),
        ("suspects-one", ["suspects", "@/older.mlh", "--threshold", "1"]),
        ("frag-snapshot", ["frag", "@/newer.mlh"]),
        ("frag-snapshot-json", ["frag", "@/newer.mlh", "--json"]),
        ("export-heapsnapshot", ["export", "@/older.mlh", "--format", "heapsnapshot", "-o", "@/out.heapsnapshot"]),
        ("export-meliae", ["export", "@/older.mlh", "--format", "meliae", "-o", "@/out.json"]),
        ("export-mlh", ["export", "@/older.mlh", "--format", "mlh", "-o", "@/out.mlh"]),
        ("export-dot", ["export", "@/older.mlh", "--format", "dot", "-o", "@/out.dot", "--top", "5"]),
        ("report", ["report", "@/older.mlh", "-o", "@/out.html"]),
        ("report-two-json", ["report", "@/older.mlh", "@/newer.mlh", "-o", "@/two.html", "--json"]),
        ("missing-file", ["summary", "@/nothing.mlh"]),
    ]

    @Test("the writer's .mlh files", arguments: ["older.mlh", "newer.mlh", "newest.mlh"])
    func mlh(name: String) throws {
        let folder = try #require(Self.folder)
        GoldenFile.check(try Data(contentsOf: folder.appending(path: name)), "mlh/" + name)
    }

    @Test("a command's output", arguments: runs.map(\.0))
    func command(name: String) throws {
        let folder = try #require(Self.folder)
        let arguments = try #require(Self.runs.first { $0.0 == name }?.1).map { $0.replacingOccurrences(of: "@/", with: folder.path + "/") }
        let output = arguments.firstIndex(of: "-o").map { arguments[$0 + 1] }
        if let output { try? FileManager.default.removeItem(atPath: output) }
        let result = try runCommand([TestPaths.memlens] + arguments)
        func scrub(_ text: String) -> String { text.replacingOccurrences(of: folder.path, with: "<folder>") }
        GoldenFile.check("status \(result.status)\n--- stdout\n\(scrub(result.stdout))--- stderr\n\(scrub(result.stderr))",
                         "commands/\(name).txt")
        if let output, name != "report-two-json" {
            let data = try Data(contentsOf: URL(fileURLWithPath: output))
            let written = name == "report" ? Data(scrub(String(decoding: data, as: UTF8.self)).utf8) : data
            GoldenFile.check(written, "commands/\(name).out")
        }
    }

    /// The meliae export read back (the meliae reader's path through summary).
    @Test("summary of a meliae dump")
    func meliaeSummary() throws {
        let folder = try #require(Self.folder)
        let dump = folder.appending(path: "meliae.json").path
        _ = try runCommand([TestPaths.memlens, "export", folder.appending(path: "older.mlh").path, "--format", "meliae", "-o", dump])
        let result = try runCommand([TestPaths.memlens, "summary", dump, "--json"])
        GoldenFile.check("status \(result.status)\n" + result.stdout, "commands/meliae-summary-json.txt")
    }
}
