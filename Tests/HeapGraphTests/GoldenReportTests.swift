import HeapAnalysis
import HeapGraph
import Reports
import Testing

/// The text reports, to the character, on the hand-built heap of
/// ``HandBuiltHeapTests``: a change in layout shows here as a diff.
@Suite("Text reports, golden")
struct GoldenReportTests {
    static let graph = HandBuiltHeapTests.heap.graph()

    @Test("summary")
    func summary() {
        let text = SummaryReport.text(TypeSummary(Self.graph), metadata: Self.graph.metadata, path: "hand.mlh", top: 3)
        #expect(text == Golden.summary, "\n\(text)")
    }

    @Test("cycles")
    func cycles() {
        let cycles = Cycles(Self.graph, retained: RetainedSizes(Self.graph))
        let text = FindingsReport.cyclesText(cycles, graph: Self.graph, labels: EdgeLabels(Self.graph), top: 5)
        #expect(text == Golden.cycles, "\n\(text)")
    }

    @Test("dupes")
    func dupes() {
        let text = FindingsReport.dupesText(DuplicateStrings(Self.graph), top: 5)
        #expect(text == Golden.dupes, "\n\(text)")
    }

    @Test("paths")
    func paths() {
        let target = Self.graph.addresses.firstIndex(of: 11) ?? -1
        let path = PathFinder(Self.graph, targets: [target]).path(to: target)
        let text = PathsReport.text([(target, path)], labels: EdgeLabels(Self.graph))
        #expect(text == Golden.paths, "\n\(text)")
    }

    @Test("diff")
    func diff() {
        var newer = HandBuiltHeapTests.heap
        newer.objects[2].refs = [10, 20, 21, 40]
        newer.objects.removeAll { $0.address == 22 }
        newer.objects.append(.init(address: 40, type: "__main__.Node", size: 50))
        let text = DiffReport.text(HeapDiff(older: Self.graph, newer: newer.graph()), older: "a.mlh", newer: "b.mlh", top: 5)
        #expect(text == Golden.diff, "\n\(text)")
    }
}

/// The expected texts, as memlens printed them when checked by hand against the heap.
enum Golden {
    static let summary = """
        Snapshot hand.mlh
        Python 3.11.7
        Total 9 objects, 5 types, Total size = 552 B (552 bytes)
        Index Count  % Size  % Cum  % Max Kind
            0     3 33  190 34 190 34  70 str
            1     3 33  150 27 340 61  50 __main__.Node
            2     1 11  100 18 440 79 100 dict
        … 2 more types (--top N to show more)

        """
    static let cycles = """
        1 reference cycles (strongly connected components of 2 or more objects)
        Objects  Size Retained Types           For example
              3 150 B    150 B 3 __main__.Node __main__.Node 0xc

        """
    static let dupes = """
        1 values held more than once, 60 B in the extra copies
        Copies Wasted Each Type Value
             2   60 B 60 B str  'same'

        """
    static let paths = """
        module __main__ → __dict__ → dict 0x2 → list 0x3 → [0] → __main__.Node 0xa → __main__.Node 0xb

        """
    static let diff = """
        a.mlh → b.mlh: 1 new objects, 1 freed
        Δ Count Δ Size New New size Freed Freed size Type
             +1  +50 B   1     50 B     0        0 B __main__.Node
             -1  -70 B   0      0 B     1       70 B str

        """
}
