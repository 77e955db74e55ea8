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
        let labels = EdgeLabels(graph)
        let groups = Self.groups(graph, sizes: sizes, labels: labels)
        var table = Table(graph, groups: groups, groupLimit: groupLimit)
        table.keepLargest(graph, groups: groups, groupLimit: groupLimit, typeLimit: typeLimit, objectLimit: objectLimit)
        let (allBytes, allCount) = table.groupTotals.reduce((UInt64(0), 0)) { ($0.0.addingSaturated($1.0), $0.1 + $1.1) }
        nodes = [Node(name: "all objects", kind: .root, sizeBytes: allBytes, count: allCount, retainedBytes: allBytes, object: nil,
            parent: -1)]
        var restBytes: UInt64 = 0, restCount = 0
        for (rank, g) in table.keptGroups.enumerated() {
            guard rank < groupLimit else {
                restBytes = restBytes.addingSaturated(table.groupTotals[g].0)
                restCount += table.groupTotals[g].1
                continue
            }
            addGroup(g, graph, sizes: sizes, labels: labels, groups: groups, table: table)
        }
        if restCount > 0 {
            add(Node(name: "\((table.keptGroups.count - groupLimit).groupedDigits) more groups", kind: .rest, sizeBytes: restBytes,
                count: restCount, object: nil, parent: 0))
        }
        layOut(canvas)
    }

    /// The groups, and each object's group.
    private struct Groups {
        var names: [String] = []
        /// A group's root object; nil for the "other roots" of a type.
        var roots: [Int?] = []
        /// Per object, its group.
        var of: [UInt32] = []

        mutating func add(_ name: String, root: Int?) -> UInt32 {
            names.append(name)
            roots.append(root)
            return UInt32(names.count - 1)
        }
    }

    /// Groups: each named root (module, thread frame, sys.modules); each of the
    /// 12 largest other top-level dominators; the remaining top-level
    /// dominators by type. An object belongs to its nearest top-level dominator's group.
    private static func groups(_ graph: HeapGraph, sizes: RetainedSizes, labels: EdgeLabels) -> Groups {
        let idom = sizes.tree.idom
        var groups = Groups()
        var groupOf = [UInt32](repeating: .max, count: graph.count)
        for root in graph.roots where groupOf[Int(root.object)] == .max {
            groupOf[Int(root.object)] = groups.add(root.kind == "module" ? root.name : root.kind == "thread" ? "thread " +
                "\(root.name)" : root.kind, root: Int(root.object))
        }
        let topLevel = (0..<graph.count).filter { idom[$0] == DominatorTree.virtualRoot && groupOf[$0] == .max }
        for v in TopDominators.largest(topLevel, by: sizes.retainedBytes, count: 12) {
            groupOf[v] = groups.add(labels.object(v), root: v)
        }
        var byType: [UInt32: UInt32] = [:]
        for v in topLevel where groupOf[v] == .max {
            let type = graph.typeIDs[v]
            if byType[type] == nil { byType[type] = groups.add("other roots: \(graph.typeNames[Int(type)])", root: nil) }
            groupOf[v] = byType[type]!
        }
        var group = [UInt32](repeating: 0, count: graph.count)
        for v in sizes.tree.preorder.lazy.map(Int.init) {
            let d = idom[v]
            group[v] = d == DominatorTree.virtualRoot ? groupOf[v] : group[Int(d)]
        }
        groups.of = group
        return groups
    }

    /// Totals per group, then bytes and counts per (shown group, type): only the
    /// `groupLimit` largest groups get a row, so the table stays groups × types
    /// for those (a file with 10^5 roots and 10^5 types asked for 10^10 cells).
    /// Then the largest objects per kept (group, type) cell.
    private struct Table {
        let typeCount: Int
        /// Bytes and objects per group.
        let groupTotals: [(UInt64, Int)]
        /// The groups with objects, largest first.
        let keptGroups: [Int]
        /// A shown group's row in `bytes` and `counts`; -1 for the others.
        let row: [Int]
        let bytes: [UInt64]
        let counts: [Int]
        /// cell → position in `largest`
        private(set) var keptCells: [Int: Int] = [:]
        private(set) var largest: [[Int]] = []
        /// group → kept type ids
        private(set) var shownTypes: [Int: [Int]] = [:]

        init(_ graph: HeapGraph, groups: Groups, groupLimit: Int) {
            let group = groups.of
            var groupTotals = [(UInt64, Int)](repeating: (0, 0), count: groups.names.count)
            for i in 0..<graph.count {
                let g = Int(group[i])
                groupTotals[g] = (groupTotals[g].0.addingSaturated(graph.sizes[i]), groupTotals[g].1 + 1)
            }
            let keptGroups = groups.names.indices.filter { groupTotals[$0].1 > 0 }.sorted { groupTotals[$0].0 > groupTotals[$1].0 }
            var row = [Int](repeating: -1, count: groups.names.count)
            for (r, g) in keptGroups.prefix(groupLimit).enumerated() { row[g] = r }
            let typeCount = graph.typeNames.count
            var bytes = [UInt64](repeating: 0, count: min(groupLimit, keptGroups.count) * typeCount)
            var counts = [Int](repeating: 0, count: bytes.count)
            for i in 0..<graph.count where row[Int(group[i])] >= 0 {
                let cell = row[Int(group[i])] * typeCount + Int(graph.typeIDs[i])
                bytes[cell] = bytes[cell].addingSaturated(graph.sizes[i])
                counts[cell] += 1
            }
            self.typeCount = typeCount
            self.groupTotals = groupTotals
            self.keptGroups = keptGroups
            self.row = row
            self.bytes = bytes
            self.counts = counts
        }

        /// Keeps the `typeLimit` largest types of each shown group and the `objectLimit`
        /// largest objects of each of those (group, type) cells.
        mutating func keepLargest(_ graph: HeapGraph, groups: Groups, groupLimit: Int, typeLimit: Int, objectLimit: Int) {
            let group = groups.of, row = row, typeCount = typeCount
            var keptCells: [Int: Int] = [:]
            var largest: [[Int]] = []
            var shownTypes: [Int: [Int]] = [:]
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
            self.keptCells = keptCells
            self.largest = largest
            self.shownTypes = shownTypes
        }
    }

    /// Adds group `g`'s node under the root, its shown types under it, each type's
    /// largest objects under that, and "more" or "other types" for what is left.
    private mutating func addGroup(
        _ g: Int, _ graph: HeapGraph, sizes: RetainedSizes, labels: EdgeLabels, groups: Groups, table: Table
    ) {
        let groupTotal = table.groupTotals[g]
        let groupNode = add(Node(name: groups.names[g], kind: .group, sizeBytes: groupTotal.0, count: groupTotal.1,
            object: groups.roots[g], parent: 0))
        var typeRestBytes = groupTotal.0, typeRestCount = groupTotal.1
        for t in table.shownTypes[g] ?? [] {
            let cell = table.row[g] * table.typeCount + t
            let bytes = table.bytes[cell], count = table.counts[cell]
            typeRestBytes = typeRestBytes.subtractingSaturated(bytes)
            typeRestCount -= count
            let typeNode = add(Node(name: graph.typeNames[t], kind: .type, sizeBytes: bytes, count: count, object: nil,
                parent: groupNode))
            var objectRestBytes = bytes, objectRestCount = count
            for object in table.largest[table.keptCells[cell]!] {
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
