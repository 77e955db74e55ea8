public import HeapGraph
import ProcessModels

/// Where retained memory is, as a three-level treemap: the dominator tree cut
/// into groups (what each module or thread frame retains, and what several
/// roots share or C code holds), each group by type, each type by its largest
/// objects. Every object counts once, in the group of its nearest dominating
/// named root, so a group's size is that root's retained size.
///
/// Each node carries two rectangles from `Squarify`: `rect` where it is drawn
/// when its parent is the view, and `nestedRect` where it is drawn inside its
/// parent when its grandparent is the view (a view shows two levels).
public struct RetainedTreemap: Sendable {
    public enum Kind: String, Sendable { case root, group, type, object, rest }

    public struct Node: Sendable {
        public var name: String
        public var kind: Kind
        /// Bytes the rectangle stands for (own sizes of the objects inside).
        public var sizeBytes: UInt64
        /// Objects inside.
        public var count: Int
        /// An object node's retained size; for the others, `sizeBytes`.
        public var retainedBytes: UInt64 = 0
        /// The object (snapshot index) for an object node, or a group's root object.
        public var object: Int?
        /// Index of the parent node (-1 for the root).
        public var parent: Int
        public var children: [Int] = []
        /// Position in the parent's view.
        public var rect = LayoutRect(x: 0, y: 0, width: 0, height: 0)
        /// Position in the grandparent's view (inside the parent's `rect` there).
        public var nestedRect = LayoutRect(x: 0, y: 0, width: 0, height: 0)
    }

    /// Node 0 is the root; children are largest first.
    public private(set) var nodes: [Node] = []

    /// Builds the tree from `sizes` over `graph`, keeping the `groups` largest
    /// groups, `types` largest types per group and `objects` largest objects
    /// per type (the rest summed into one "rest" node per level), laid out in `canvas`.
    public init(_ graph: HeapGraph, sizes: RetainedSizes, canvas: LayoutRect, groups groupLimit: Int = 20, types typeLimit: Int = 14,
        objects objectLimit: Int = 8) {
        let idom = sizes.tree.idom
        // Groups: each named root (module, thread frame, sys.modules); each of the
        // 12 largest other top-level dominators; the remaining top-level
        // dominators by type. An object belongs to its nearest top-level dominator's group.
        let labels = EdgeLabels(graph)
        var groupNames: [String] = []
        var groupRoot: [Int?] = []
        var groupOf = [UInt32](repeating: .max, count: graph.count)
        func newGroup(_ name: String, root: Int?) -> UInt32 {
            groupNames.append(name)
            groupRoot.append(root)
            return UInt32(groupNames.count - 1)
        }
        for root in graph.roots where groupOf[Int(root.object)] == .max {
            groupOf[Int(root.object)] = newGroup(root.kind == "module" ? root.name : root.kind == "thread" ? "thread " +
                "\(root.name)" : root.kind, root: Int(root.object))
        }
        let topLevel = (0..<graph.count).filter { idom[$0] == DominatorTree.virtualRoot && groupOf[$0] == .max }
        for v in TopDominators.largest(topLevel, by: sizes.retainedBytes, count: 12) {
            groupOf[v] = newGroup(labels.object(v), root: v)
        }
        var byType: [UInt32: UInt32] = [:]
        for v in topLevel where groupOf[v] == .max {
            let type = graph.typeIDs[v]
            if byType[type] == nil { byType[type] = newGroup("other roots: \(graph.typeNames[Int(type)])", root: nil) }
            groupOf[v] = byType[type]!
        }
        var group = [UInt32](repeating: 0, count: graph.count)
        for v in sizes.tree.preorder.lazy.map(Int.init) {
            let d = idom[v]
            group[v] = d == DominatorTree.virtualRoot ? groupOf[v] : group[Int(d)]
        }
        // Totals per group, then bytes and counts per (shown group, type): only the
        // `groupLimit` largest groups get a row, so the table stays groups × types
        // for those (a file with 10^5 roots and 10^5 types asked for 10^10 cells).
        var groupTotals = [(UInt64, Int)](repeating: (0, 0), count: groupNames.count)
        for i in 0..<graph.count {
            let g = Int(group[i])
            groupTotals[g] = (groupTotals[g].0.addingSaturated(graph.sizes[i]), groupTotals[g].1 + 1)
        }
        let keptGroups = groupNames.indices.filter { groupTotals[$0].1 > 0 }.sorted { groupTotals[$0].0 > groupTotals[$1].0 }
        var row = [Int](repeating: -1, count: groupNames.count)
        for (r, g) in keptGroups.prefix(groupLimit).enumerated() { row[g] = r }
        let typeCount = graph.typeNames.count
        var bytes = [UInt64](repeating: 0, count: min(groupLimit, keptGroups.count) * typeCount)
        var counts = [Int](repeating: 0, count: bytes.count)
        for i in 0..<graph.count where row[Int(group[i])] >= 0 {
            let cell = row[Int(group[i])] * typeCount + Int(graph.typeIDs[i])
            bytes[cell] = bytes[cell].addingSaturated(graph.sizes[i])
            counts[cell] += 1
        }
        // Largest objects per kept (group, type) cell.
        var keptCells: [Int: Int] = [:]   // cell → position in `largest`
        var largest: [[Int]] = []
        var shownTypes: [Int: [Int]] = [:]   // group → kept type ids
        for g in keptGroups.prefix(groupLimit) {
            let types = (0..<typeCount).filter { counts[row[g] * typeCount + $0] > 0 }
                .sorted { bytes[row[g] * typeCount + $0] > bytes[row[g] * typeCount + $1] }
            shownTypes[g] = Array(types.prefix(typeLimit))
            for t in types.prefix(typeLimit) {
                keptCells[row[g] * typeCount + t] = largest.count
                largest.append([])
            }
        }
        for i in 0..<graph.count where row[Int(group[i])] >= 0 {
            guard let slot = keptCells[row[Int(group[i])] * typeCount + Int(graph.typeIDs[i])] else { continue }
            var list = largest[slot]
            if list.count == objectLimit, graph.sizes[list[objectLimit - 1]] >= graph.sizes[i] { continue }
            let position = list.firstIndex { graph.sizes[$0] < graph.sizes[i] } ?? list.count
            list.insert(i, at: position)
            if list.count > objectLimit { list.removeLast() }
            largest[slot] = list
        }

        let (allBytes, allCount) = groupTotals.reduce((UInt64(0), 0)) { ($0.0.addingSaturated($1.0), $0.1 + $1.1) }
        nodes = [Node(name: "all objects", kind: .root, sizeBytes: allBytes, count: allCount, retainedBytes: allBytes, object: nil,
            parent: -1)]
        var restBytes: UInt64 = 0, restCount = 0
        for (rank, g) in keptGroups.enumerated() {
            guard rank < groupLimit else {
                restBytes = restBytes.addingSaturated(groupTotals[g].0)
                restCount += groupTotals[g].1
                continue
            }
            let groupNode = add(Node(name: groupNames[g], kind: .group, sizeBytes: groupTotals[g].0, count: groupTotals[g].1,
                object: groupRoot[g], parent: 0))
            var typeRestBytes = groupTotals[g].0, typeRestCount = groupTotals[g].1
            for t in shownTypes[g] ?? [] {
                let cell = row[g] * typeCount + t
                typeRestBytes = typeRestBytes.subtractingSaturated(bytes[cell])
                typeRestCount -= counts[cell]
                let typeNode = add(Node(name: graph.typeNames[t], kind: .type, sizeBytes: bytes[cell], count: counts[cell], object: nil,
                    parent: groupNode))
                var objectRestBytes = bytes[cell], objectRestCount = counts[cell]
                for object in largest[keptCells[cell]!] {
                    objectRestBytes = objectRestBytes.subtractingSaturated(graph.sizes[object])
                    objectRestCount -= 1
                    add(Node(name: labels.object(object), kind: .object, sizeBytes: graph.sizes[object], count: 1, object: object,
                        parent: typeNode), retained: sizes.retainedBytes[object])
                }
                if objectRestCount > 0 {
                    add(Node(name: "\(objectRestCount.groupedDigits) more", kind: .rest, sizeBytes: objectRestBytes, count: objectRestCount,
                        object: nil, parent: typeNode))
                }
            }
            if typeRestCount > 0 {
                add(Node(name: "other types", kind: .rest, sizeBytes: typeRestBytes, count: typeRestCount, object: nil, parent: groupNode))
            }
        }
        if restCount > 0 {
            add(Node(name: "\((keptGroups.count - groupLimit).groupedDigits) more groups", kind: .rest, sizeBytes: restBytes,
                count: restCount, object: nil, parent: 0))
        }
        layOut(canvas)
    }

    @discardableResult
    private mutating func add(_ node: Node, retained: UInt64? = nil) -> Int {
        var node = node
        node.retainedBytes = retained ?? node.sizeBytes
        nodes.append(node)
        nodes[node.parent].children.append(nodes.count - 1)
        return nodes.count - 1
    }

    /// The space a node's children get inside its rectangle: room for its label on top.
    public static func inside(_ rect: LayoutRect) -> LayoutRect { rect.inset(side: 2, top: 16) }

    private mutating func layOut(_ canvas: LayoutRect) {
        let sizes = nodes.map(\.sizeBytes)
        for index in nodes.indices { nodes[index].children.sort { sizes[$0] > sizes[$1] } }
        for index in nodes.indices {
            let children = nodes[index].children
            guard !children.isEmpty else { continue }
            let rects = Squarify.layout(children.map { Double(nodes[$0].sizeBytes) }, in: canvas)
            for (child, rect) in zip(children, rects) {
                nodes[child].rect = rect
                let grandchildren = nodes[child].children
                let nested = Squarify.layout(grandchildren.map { Double(nodes[$0].sizeBytes) }, in: Self.inside(rect))
                for (grandchild, inner) in zip(grandchildren, nested) { nodes[grandchild].nestedRect = inner }
            }
        }
    }
}

extension Int {
    /// `12,345`: the digits in groups of three.
    public var groupedDigits: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
