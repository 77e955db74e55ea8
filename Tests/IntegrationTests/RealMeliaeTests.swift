import Foundation
import Testing
import TestSupport

/// A Python 3.8 venv with real meliae 0.5.1 (the only Python it builds for
/// here), made on first use at `.build-meliae/py3.8` in the package root:
/// `pip install cython`, then `pip install meliae` (builds its C extensions,
/// about 30 s the first time). Built under a temporary name and renamed, so
/// two `swift test` runs at once cannot leave a half venv behind.
enum RealMeliae {
    static let venv = TestPaths.packageRoot.appending(path: ".build-meliae/py3.8")

    /// The venv's python, once; the error says what pip printed.
    static let python: Result<String, any Error> = Result { try prepare() }

    private static func hasMeliae(_ python: String) -> Bool {
        (try? runCommand([python, "-c", "import meliae._loader, meliae._scanner"]).status) == 0
    }

    private static func prepare() throws -> String {
        let final = venv.appending(path: "bin/python").path
        if hasMeliae(final) { return final }
        let base = try #require(PythonInterpreter.named("3.8")).path
        let parent = venv.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let building = parent.appending(path: "py3.8.building-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: building) }
        let python = building.appending(path: "bin/python").path
        for step in [[base, "-m", "venv", building.path],
                     [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "cython"],
                     [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "meliae"]] {
            let result = try runCommand(step, timeoutSeconds: 600)
            guard result.status == 0 else {
                throw PrepareError(message: "\(step.joined(separator: " ")) failed (\(result.status)): \(result.stderr.suffix(2000))")
            }
        }
        guard hasMeliae(python) else { throw PrepareError(message: "meliae installed but does not import") }
        try? FileManager.default.removeItem(at: venv)   // a broken venv from an earlier try
        do {
            try FileManager.default.moveItem(at: building, to: venv)
        } catch {
            // Another run got there first; use its venv if it works.
            guard hasMeliae(final) else { throw error }
        }
        return final
    }

    struct PrepareError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// What meliae's `summarize()` reported, as `real_meliae.py summarize` writes it.
struct MeliaeSummaries: Decodable {
    struct Summary: Decodable {
        var objects: Int
        var total_size: UInt64
        var types: [String: Row]
    }
    struct Row: Decodable, Equatable, CustomStringConvertible {
        var count: Int
        var size: UInt64
        var max: UInt64
        var description: String { "count \(count) size \(size) max \(max)" }
    }
    var plain: Summary
    var collapsed: Summary
}

/// `memlens summary --json`.
struct MemlensSummary: Decodable {
    struct Row: Decodable {
        var type: String
        var count: Int
        var size: UInt64
        var max: UInt64
    }
    var objects: Int
    var total_size: UInt64
    var types: [Row]

    var byType: [String: MeliaeSummaries.Row] {
        Dictionary(uniqueKeysWithValues: types.map { ($0.type, MeliaeSummaries.Row(count: $0.count, size: $0.size, max: $0.max)) })
    }
}

@Suite("A real meliae dump", .serialized, .timeLimit(.minutes(10)))
struct RealMeliaeTests {
    /// GIVEN a dump written by real meliae 0.5.1 on Python 3.8 and meliae's own
    /// `loader.load(…).summarize()` of it (plain and collapsed).
    static let given: Result<(dump: String, meliae: MeliaeSummaries), any Error> = Result {
        let python = try RealMeliae.python.get()
        let script = try fixture("real_meliae.py")
        let folder = try TestPaths.temporaryFolder("real-meliae")
        let dump = folder.appending(path: "dump.json").path
        let summaries = folder.appending(path: "meliae-summary.json")
        for step in [[python, script, "dump", dump], [python, script, "summarize", dump, summaries.path]] {
            let result = try runCommand(step)
            guard result.status == 0 else {
                throw RealMeliae.PrepareError(message: "\(step.joined(separator: " ")) failed (\(result.status)): " +
                    "\(result.stderr.suffix(2000))")
            }
        }
        return (dump, try JSONDecoder().decode(MeliaeSummaries.self, from: Data(contentsOf: summaries)))
    }

    func memlensSummary(_ dump: String, _ options: [String] = []) throws -> MemlensSummary {
        let result = try runCommand([TestPaths.memlens, "summary", dump, "--json", "--top", "1000000"] + options)
        try #require(result.status == 0, "memlens summary failed: \(result.stderr)")
        return try JSONDecoder().decode(MemlensSummary.self, from: Data(result.stdout.utf8))
    }

    /// Per-type differences, as readable lines (empty when they agree).
    func differences(meliae: [String: MeliaeSummaries.Row], memlens: [String: MeliaeSummaries.Row]) -> [String] {
        Set(meliae.keys).union(memlens.keys).sorted().compactMap { type in
            let a = meliae[type], b = memlens[type]
            guard a != b else { return nil }
            return "\(type): meliae \(a.map(\.description) ?? "absent"), memlens \(b.map(\.description) ?? "absent")"
        }
    }

    @Test("WHEN memlens loads it, THEN summary --json counts and sizes per type equal meliae's summarize()",
          .enabled(if: PythonInterpreter.has("3.8")))
    func plainSummaryMatchesMeliae() throws {
        let (dump, meliae) = try Self.given.get()
        // The fixture's heap is really in the dump (and meliae read it).
        #expect(meliae.plain.types["Leaf"]?.count == 777)
        #expect(meliae.plain.types["Packed"]?.count == 250)
        #expect(meliae.plain.objects > 10_000)

        let memlens = try memlensSummary(dump)
        #expect(memlens.objects == meliae.plain.objects)
        #expect(memlens.total_size == meliae.plain.total_size)
        #expect(memlens.types.count == meliae.plain.types.count)
        let diff = differences(meliae: meliae.plain.types, memlens: memlens.byType)
        #expect(diff.isEmpty, "types that differ:\n\(diff.joined(separator: "\n"))")
    }

    @Test("WHEN memlens folds instance dicts, THEN the instances of a plain class match meliae's collapse_instance_dicts",
          .enabled(if: PythonInterpreter.has("3.8")))
    func collapsedSummaryMatchesMeliae() throws {
        let (dump, meliae) = try Self.given.get()
        let memlens = try memlensSummary(dump, ["--collapse-dicts"])
        let collapsedTypes = memlens.byType
        // Each Leaf's __dict__ folded into it: 777 Leaf of the same size as meliae's, dicts gone from the count.
        #expect(meliae.collapsed.types["Leaf"]?.count == 777)
        #expect(meliae.collapsed.types["Leaf"]?.size ?? 0 > meliae.plain.types["Leaf"]?.size ?? 0)
        #expect(collapsedTypes["Leaf"] == meliae.collapsed.types["Leaf"])
        #expect(collapsedTypes["Packed"] == meliae.collapsed.types["Packed"])
        #expect(memlens.total_size == meliae.collapsed.total_size)

        // Every type, after collapsing, as meliae's collapse_instance_dicts leaves it.
        let diff = differences(meliae: meliae.collapsed.types, memlens: collapsedTypes)
        #expect(diff.isEmpty, "types that differ after collapsing:\n\(diff.joined(separator: "\n"))")
    }
}
