import Foundation
import HeapAnalysis
import HeapGraph
import Testing

@Suite("Squarified treemap")
struct TreemapTests {
    /// A small deterministic generator (64-bit LCG), so every run draws the same graphs.
    struct Numbers {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test("Areas are proportional to the values, inside the canvas, and never overlap", arguments: [1, 2, 7, 40, 300])
    func layout(count: Int) {
        var numbers = Numbers(state: UInt64(count))
        let values = (0..<count).map { _ in Double(1 + numbers.next(1000)) }.sorted(by: >)
        let canvas = LayoutRect(x: 10, y: 20, width: 1000, height: 560)
        let rects = Squarify.layout(values, in: canvas)
        let total = values.reduce(0, +)
        for (value, rect) in zip(values, rects) {
            #expect(abs(rect.area - value / total * canvas.area) < 1e-6 * canvas.area)
            #expect(rect.x >= canvas.x - 1e-6 && rect.y >= canvas.y - 1e-6)
            #expect(rect.x + rect.width <= canvas.x + canvas.width + 1e-6 && rect.y + rect.height <= canvas.y + canvas.height + 1e-6)
        }
        for i in rects.indices {
            for j in rects.indices where j > i {
                let a = rects[i], b = rects[j]
                let overlapWidth = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
                let overlapHeight = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
                #expect(overlapWidth <= 1e-6 || overlapHeight <= 1e-6, "\(a) overlaps \(b)")
            }
        }
    }

    @Test("Equal values in a square come out square")
    func squares() {
        let rects = Squarify.layout(Array(repeating: 1, count: 16), in: LayoutRect(x: 0, y: 0, width: 400, height: 400))
        for rect in rects { #expect(max(rect.width / rect.height, rect.height / rect.width) < 1.5, "\(rect)") }
    }

    @Test("Groups are the roots' retained sizes, every level adds up, and nested rectangles sit inside their parent")
    func retainedTreemap() throws {
        // GIVEN a graph of 8 modules over 3,000 objects with random references (meliae's format)
        var numbers = Numbers(state: 42)
        var lines: [String] = []
        let types = ["dict", "list", "str", "app.Item", "tuple", "int"]
        for m in 0..<8 {
            let refs = (0..<5).map { _ in String(1000 + 16 * numbers.next(3000)) }.joined(separator: ", ")
            lines.append(#"{"address": \#(16 + 16 * m), "type": "module", "size": 72, "name": "mod\#(m)", "refs": [\#(refs)]}"#)
        }
        for i in 0..<3000 {
            let refs = (0..<numbers.next(4)).map { _ in String(1000 + 16 * numbers.next(3000)) }.joined(separator: ", ")
            lines.append(#"{"address": \#(1000 + 16 * i), "type": "\#(types[numbers.next(types.count)])", "size": \#(16 + numbers.next(500)), "refs": [\#(refs)]}"#)
        }
        let url = FileManager.default.temporaryDirectory.appending(path: "treemap-\(UUID().uuidString).json")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let graph = try SnapshotLoader.load(path: url.path)
        let sizes = RetainedSizes(graph)

        // WHEN it is laid out with few groups, types and objects kept
        let treemap = RetainedTreemap(graph, sizes: sizes, canvas: LayoutRect(x: 0, y: 0, width: 1000, height: 560), groups: 5, types: 3,
            objects: 4)
        let nodes = treemap.nodes

        // THEN the root holds every byte, each group rooted at an object is that object's retained size,
        // each node's children add up to it, and nested rectangles lie inside their parent's
        #expect(nodes[0].sizeBytes == graph.totalSizeBytes)
        #expect(nodes[0].children.count == 6)   // 5 groups and the rest
        for node in nodes where node.kind == .group {
            if let root = node.object { #expect(node.sizeBytes == sizes.retainedBytes[root]) }
        }
        for (index, node) in nodes.enumerated() where !node.children.isEmpty {
            #expect(node.children.reduce(0) { $0 + nodes[$1].sizeBytes } == node.sizeBytes, "node \(index)")
            #expect(node.children.reduce(0) { $0 + nodes[$1].count } == node.count, "node \(index)")
            let inside = RetainedTreemap.inside(node.rect)
            for child in node.children where node.parent >= 0 {
                let r = nodes[child].nestedRect
                #expect(r.x >= inside.x - 1e-6 && r.y >= inside.y - 1e-6
                        && r.x + r.width <= inside.x + inside.width + 1e-6 && r.y + r.height <= inside.y + inside.height + 1e-6)
            }
        }
        // AND children come largest first
        for node in nodes { #expect(node.children.map { nodes[$0].sizeBytes } == node.children.map { nodes[$0].sizeBytes }.sorted(by: >)) }
    }
}
