import Foundation
import HeapAnalysis
import HeapGraph
@testable import ProcFS
import ProcessModels
import Reports
import TestSupport
import Testing

/// The reports of live processes, rendered from models decoded from JSON
/// fixtures (so the models' JSON keys are checked too) and from the captured
/// `/proc` files of ProcFSTests: text and JSON byte for byte against goldens.
@Suite("Live-process reports, golden")
struct ModelReportGoldenTests {
    @Test("census: text, JSON, a core's, a series")
    func census() throws {
        let census = try GoldenFile.fixture(CensusResult.self, "census.json")
        let later = try GoldenFile.fixture(CensusResult.self, "census-later.json")
        let core = try GoldenFile.fixture(CensusResult.self, "census-core.json")
        GoldenFile.check(CensusReport.text(census, top: 5), "models/census.txt")
        GoldenFile.check(try CensusReport.json(census, top: nil), "models/census.json")
        GoldenFile.check(try CensusReport.json(census, top: 3), "models/census-top3.json")
        GoldenFile.check(CensusReport.text(core, top: 20), "models/census-core.txt")
        GoldenFile.check(try CensusReport.json(core, top: 20), "models/census-core.json")
        var series = CensusSeries()
        series.append(census, at: 0)
        series.append(later, at: 10)
        GoldenFile.check(CensusReport.progressLine(later, index: 1), "models/census-progress.txt")
        GoldenFile.check(CensusReport.seriesText(series, top: 4), "models/census-series.txt")
        GoldenFile.check(try CensusReport.seriesJSON(series, top: 4), "models/census-series.json")
    }

    @Test("gc and alloc")
    func gcAndAlloc() throws {
        for name in ["gc", "gc-window"] {
            let insight = GCInsight(try GoldenFile.fixture(GCObservation.self, "\(name).json"))
            GoldenFile.check(GCReport.text(insight, pid: 4242), "models/\(name).txt")
            GoldenFile.check(try GCReport.json(insight, pid: 4242), "models/\(name).json")
        }
        let alloc = try GoldenFile.fixture(AllocObservation.self, "alloc.json")
        GoldenFile.check(AllocReport.text(alloc, pid: 4242), "models/alloc.txt")
        GoldenFile.check(try AllocReport.json(alloc, pid: 4242), "models/alloc.json")
    }

    @Test("imports")
    func imports() throws {
        let profile = try GoldenFile.fixture(ImportProfile.self, "imports.json")
        let command = ["python3", "-c", "import email.mime.text, decimal"]
        GoldenFile.check(ImportsReport.text(profile, command: command, maxDepth: nil), "models/imports.txt")
        GoldenFile.check(ImportsReport.text(profile, command: command, maxDepth: 1), "models/imports-depth1.txt")
        GoldenFile.check(try ImportsReport.json(profile, command: command), "models/imports.json")
    }

    @Test("watch's timeline: summary, JSON, JSONL, HTML")
    func timeline() throws {
        let timeline = try GoldenFile.fixture(Timeline.self, "timeline.json")
        GoldenFile.check(TimelineReport.summary(timeline), "models/timeline-summary.txt")
        GoldenFile.check(try TimelineReport.summaryJSON(timeline), "models/timeline-summary.json")
        var start = timeline
        start.samples = []; start.censuses = []; start.events = []
        var lines = try TimelineReport.jsonlLine(.start(start))
        for sample in timeline.samples { lines += try TimelineReport.jsonlLine(.sample(sample)) }
        for census in timeline.censuses { lines += try TimelineReport.jsonlLine(.census(census)) }
        for event in timeline.events { lines += try TimelineReport.jsonlLine(.event(event)) }
        lines += try TimelineReport.jsonlEnd(timeline)
        GoldenFile.check(lines, "models/timeline.jsonl")
        GoldenFile.check(try TimelineReport.html(timeline), "models/timeline.html")
    }

    /// The footprint of the captured CPython 3.11 (`Tests/ProcFSTests/Fixtures`).
    static func footprint() throws -> Footprint {
        let folder = TestPaths.packageRoot.appending(path: "Tests/ProcFSTests/Fixtures")
        func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: folder.appending(path: "python311_\(name).txt"))) }
        let stat = try #require(try bytes("stat").withUnsafeBufferPointer { ProcessStat.parse($0) })
        let status = try bytes("status").withUnsafeBufferPointer { ProcessStatus.parse($0) }
        let totals = try bytes("smaps_rollup").withUnsafeBufferPointer { MemoryCounters.parseRollup($0) }
        var parser = SmapsParser()
        try bytes("smaps").withUnsafeBufferPointer { parser.consume($0) }
        var footprint = Footprint(pid: 1234, stat: stat, status: status, totals: totals, totalsFromRollup: true, mappings: parser.finish())
        footprint.totals.sizeBytes = status.virtualBytes
        return footprint
    }

    @Test("footprint: by kind, library, mapping; totals; JSON; a tree")
    func footprint() throws {
        let footprint = try Self.footprint()
        for breakdown in FootprintReport.Breakdown.allCases {
            GoldenFile.check(FootprintReport.text(footprint, by: breakdown, top: 8), "models/footprint-\(breakdown.rawValue).txt")
        }
        GoldenFile.check(FootprintReport.totals(footprint), "models/footprint-totals.txt")
        GoldenFile.check(try FootprintReport.json(footprint, includeMappings: true), "models/footprint-mappings.json")
        GoldenFile.check(try FootprintReport.json(footprint, includeMappings: false), "models/footprint.json")
        var child = footprint
        child.pid = 1300
        let members = [TreeMember(link: ProcessLink(pid: 1234, parentPID: 1, depth: 0), footprint: footprint, mappingCount: 110),
                       TreeMember(link: ProcessLink(pid: 1300, parentPID: 1234, depth: 1), footprint: child)]
        GoldenFile.check(FootprintTreeReport.text(members, skipped: [1301]), "models/footprint-tree.txt")
        GoldenFile.check(try FootprintTreeReport.json(members, skipped: [1301]), "models/footprint-tree.json")
    }

    @Test("demo's table")
    func demo() throws {
        let stages = [("peak", GoldenHeaps.newer), ("after del", GoldenHeaps.newest)].map { name, objects in
            let graph = GoldenHeaps.graph(objects, time: 0)
            return DemoStage(name: name, path: "/tmp/demo/\(name).mlh", graph: graph, summary: TypeSummary(graph))
        }
        GoldenFile.check(DemoReport.text(stages), "models/demo.txt")
        GoldenFile.check(try DemoReport.json(stages, reportPath: "/tmp/demo/report.html"), "models/demo.json")
    }
}
