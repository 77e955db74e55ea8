import HeapAnalysis
@testable import HeapGraph
import Reports
import Testing

/// Issue 23: `report` and `suspects` on a cycle of 10^6 objects wrote 92 MB of
/// HTML and 60 MB of text, every object of the path down the chain.
@Suite("Reports stay small on a long chain")
struct ReportSizeTests {
    /// module __main__ → Node 0 → Node 1 → … → Node n-1 → Node 0: one cycle, each Node dominating the next.
    static func ring(_ n: Int) -> HeapGraph {
        var metadata = SnapshotMetadata()
        metadata.python = "3.12.0"
        var builder = HeapGraphBuilder(metadata: metadata)
        let module = builder.typeID(named: "module"), node = builder.typeID(named: "__main__.Node")
        _ = builder.addObject(address: 8, typeID: module, size: 100, refcount: 1)
        builder.closeObject(referents: [16])
        for i in 0..<UInt64(n) {
            _ = builder.addObject(address: 16 + 16 * i, typeID: node, size: 56, refcount: 1)
            builder.closeObject(referents: [16 + 16 * ((i + 1) % UInt64(n))])
        }
        builder.addRoot(address: 8, kind: "module", name: "__main__")
        return builder.finish()
    }

    @Test("report and suspects on a ring of 200,000 objects: bounded, saying what was cut")
    func longChain() throws {
        let graph = Self.ring(200_000)
        // GIVEN the HTML report
        let page = HTMLReport.render(HeapReportContents(graph, canvas: HTMLReport.canvas), olderPath: nil, path: "ring.mlh")
        // THEN it is small, and its paths say how many objects were left out
        #expect(page.utf8.count < 1 << 20, "\(page.utf8.count) bytes")
        #expect(page.contains("more objects"))
        // AND the suspects, as text and JSON
        let suspects = LeakSuspects(graph, retained: RetainedSizes(graph))
        let paths = PathFinder(graph, targets: Set(suspects.accumulations.map(\.object)))
        let labels = EdgeLabels(graph)
        let text = FindingsReport.suspectsText(suspects, graph: graph, labels: labels, paths: paths)
        let json = try FindingsReport.suspectsJSON(suspects, graph: graph, labels: labels, paths: paths)
        #expect(!suspects.accumulations.isEmpty)
        #expect(text.utf8.count < 64 << 10 && json.utf8.count < 64 << 10, "\(text.utf8.count), \(json.utf8.count) bytes")
        #expect(text.contains("more objects"), "\(text.prefix(2000))")
    }

    @Test("A short path is shown whole; a long one keeps both ends")
    func shortenedSteps() {
        let graph = Self.ring(100)
        let labels = EdgeLabels(graph)
        let path = Array(0...60)
        #expect(labels.steps(Array(0...10), limit: 32) == labels.steps(Array(0...10)))
        let steps = labels.steps(path, limit: 32)
        #expect(steps.first == labels.steps(path).first && steps.last == labels.steps(path).last)
        #expect(steps.contains("… 29 more objects …"), "\(steps)")
    }
}
