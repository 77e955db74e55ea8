import Foundation
import HeapAnalysis
import HeapGraph
import ProcessModels
import Reports
import Testing

/// Issue 23, crashes 2–3: sizes near 2^64 from a file or a target. `summary`,
/// `diff`, `report` and the census table trapped on `+` and `part * 100`; each
/// total now saturates at 2^64 − 1, and a meliae number past 2^64 − 1 (which
/// wrapped silently) is refused with the file and offset.
@Suite("Sizes near 2^64: totals saturate, reports render")
struct HugeSizesTests {
    func load(_ text: String) throws -> HeapGraph {
        let url = FileManager.default.temporaryDirectory.appending(path: "huge-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try SnapshotLoader.load(path: url.path)
    }

    /// A module holding a dict holding three strs of 2^63 bytes each (their sum is 1.5 × 2^64), and an instance with its `__dict__`.
    static let huge = """
        {"address": 1, "type": "module", "size": 80, "name": "m", "refs": [2]}
        {"address": 2, "type": "dict", "size": 18446744073709551615, "refs": [3, 4, 5, 6]}
        {"address": 3, "type": "str", "size": 9223372036854775808, "refs": []}
        {"address": 4, "type": "str", "size": 9223372036854775808, "refs": []}
        {"address": 5, "type": "str", "size": 9223372036854775808, "refs": []}
        {"address": 6, "type": "__main__.C", "size": 200000000000000000, "refs": [7]}
        {"address": 7, "type": "dict", "size": 18446744073709551615, "refs": []}

        """

    @Test("summary (and --collapse-dicts): totals saturate, percentages stay in 0…100")
    func summary() throws {
        let graph = try load(Self.huge)
        #expect(graph.totalSizeBytes == .max)
        let summary = TypeSummary(graph)
        #expect(summary.totalSizeBytes == .max)
        #expect(summary.types.map(\.size).contains(.max))   // the two dicts and the three strs
        let text = SummaryReport.text(summary, metadata: graph.metadata, path: "huge.json", top: 10)
        #expect(text.contains("18446744073709551615 bytes"), "\(text)")
        let collapsed = TypeSummary(graph, collapsing: InstanceDictCollapse(graph))
        _ = SummaryReport.text(collapsed, metadata: graph.metadata, path: "huge.json", top: 10)
        #expect(TypeSummary(subset: Array(0..<graph.count), of: graph).totalSizeBytes == .max)
    }

    @Test("One line of 2·10^17 bytes: the percentages are whole numbers, no `part * 100`")
    func oneLine() throws {
        let graph = try load(#"{"address": 1, "type": "str", "size": 200000000000000000, "refs": []}"# + "\n")
        let text = SummaryReport.text(TypeSummary(graph), metadata: graph.metadata, path: "one.json", top: 10)
        #expect(text.contains(" 100 "), "\(text)")
    }

    @Test("diff: the deltas saturate both ways")
    func diff() throws {
        let huge = try load(Self.huge)
        let small = try load(#"{"address": 3, "type": "str", "size": 50, "refs": []}"# + "\n")
        for (older, newer) in [(small, huge), (huge, small), (huge, huge)] {
            let diff = HeapDiff(older: older, newer: newer)
            _ = DiffReport.text(diff, older: "a", newer: "b", top: 10)
            _ = try DiffReport.json(diff, top: 10)
        }
        let grown = HeapDiff(older: small, newer: huge)
        #expect(grown.types.first { $0.type == "str" }?.sizeDelta ?? 0 > Int64.max / 2)   // + 3 × 2^63 saturates, − 50
        #expect(HeapDiff(older: huge, newer: small).types.first { $0.type == "str" }?.sizeDelta == .min)
    }

    @Test("report: retained sizes, the treemap and the HTML page render")
    func report() throws {
        let graph = try load(Self.huge)
        let retained = RetainedSizes(graph)
        #expect(retained.retainedBytes.contains(.max))
        _ = RetainedReport.typesText(graph, retained, top: 10)
        let treemap = RetainedTreemap(graph, sizes: retained, canvas: HTMLReport.canvas)
        #expect(treemap.nodes.first?.sizeBytes == .max)
        let contents = HeapReportContents(graph, older: try load(#"{"address": 9, "type": "int", "size": 28, "refs": []}"# + "\n"),
                                          canvas: HTMLReport.canvas)
        #expect(HTMLReport.render(contents, olderPath: "old.json", path: "huge.json").contains("</html>"))
        _ = LeakSuspects(graph, retained: retained, threshold: 1.0)
    }

    @Test("census table: a tuple of 2^61 bytes and counts near Int.max")
    func censusTable() {
        let types = [
            CensusResult.TypeCount(type: "tuple", count: 1, size: 1 << 61 + 64, exact: true),
            CensusResult.TypeCount(type: "Corrupt", count: Int.max / 2, size: .max, exact: false),
        ]
        let census = CensusResult(python: "3.12.0", pid: 1, objects: Int.max, totalSize: .max, pauseMilliseconds: 0, walkMilliseconds: 0,
                                  copiedBytes: 0, attempts: 1, generations: [], permanentObjects: 0, permanentSize: .max,
                                  includesFrozen: false, threads: 1, osThreads: 1, types: types)
        let text = CensusReport.text(census, top: 10)
        #expect(text.contains("tuple"), "\(text)")
        var series = CensusSeries()
        series.append(census, at: 0)
        var later = census
        later.types[1].size = 0
        series.append(later, at: 1e-12)
        _ = CensusReport.seriesText(series, top: 10)
    }

    @Test("A meliae number past 2^64 − 1 is refused, naming the file, line and offset")
    func numberPastTheTop() throws {
        let line = #"{"address": 1, "type": "str", "size": 99999999999999999999999, "refs": []}"#
        let error = #expect(throws: SnapshotError.self) { try load(#"{"address": 9, "type": "int", "size": 28}"# + "\n" + line + "\n") }
        #expect(error?.reason.contains("line 2: the number at column 39 is larger than 2^64 - 1") == true, "\(String(describing: error))")
        #expect(error?.offset == 42 + 38)   // the first digit
        #expect(throws: SnapshotError.self) { try load(#"{"address": 99999999999999999999999, "type": "str", "size": 1}"# + "\n") }
        // "len" is only a display count: any digits still read (as before).
        #expect(try load(#"{"address": 1, "type": "str", "size": 1, "len": 99999999999999999999999, "value": "a"}"# + "\n").count == 1)
        // 2^64 − 1 itself is a number.
        #expect(try load(#"{"address": 1, "type": "str", "size": 18446744073709551615}"# + "\n").sizes[0] == .max)
    }
}
