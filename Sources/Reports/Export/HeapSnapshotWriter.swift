import HeapAnalysis
public import HeapGraph
public import SafeFiles

/// Writes a snapshot as a V8 heap snapshot (`.heapsnapshot`), the JSON that
/// Chrome DevTools → Memory → Load reads, laid out as V8's
/// `HeapSnapshotJSONSerializer` writes it: `snapshot.meta`, then flat `nodes`
/// (7 numbers each) and `edges` (3 numbers each, `to_node` an ordinal times 7),
/// then `strings` with `"<dummy>"` first.
///
/// Node 0 is a synthetic root; node 1 is a synthetic "(GC roots)". The root
/// reaches every module and thread frame by a `shortcut` edge (so DevTools
/// counts the program's objects as user objects) and "(GC roots)" by an
/// `element` edge; "(GC roots)" reaches every other root: `sys.modules`, what C
/// code or a running frame holds, and what nothing reaches (as `RetainedSizes`
/// treats them). Object `i` is node `i + 2`; its id is its address (see `nodeID`).
///
/// Streams: nodes, edges and strings are written as they are produced. Besides
/// the output buffer it keeps 4 bytes per object and the distinct type,
/// function and edge names; each str's value is one string, written once.
public enum HeapSnapshotWriter {
    static let nodeFields = ["type", "name", "id", "self_size", "edge_count", "trace_node_id", "detachedness"]
    static let edgeFields = ["type", "name_or_index", "to_node"]

    /// Writes `graph` to `path` through a temporary file renamed into place, mode 0600.
    public static func write(_ graph: HeapGraph, to path: String) throws(FileSafetyError) {
        let layout = Layout(graph)
        var strings = InternedStrings(firstIndex: layout.textCount + 1)
        try AtomicOutput.write(to: path) { (out: inout OutputBuffer) throws(FileSafetyError) in
            writeMeta(&out, nodeCount: graph.count + 2,
                edgeCount: graph.edgeCount + 1 + layout.rootEdges.count + layout.gcRoots.count)
            try writeNodes(&out, layout, &strings)
            try writeEdges(&out, layout, &strings)
            try writeStrings(&out, graph, strings)
        }
    }

    /// What the nodes and edges need besides the graph: the root's edges, what
    /// "(GC roots)" reaches, and the string slot of each str with a value.
    private struct Layout {
        let graph: HeapGraph
        let kinds: ReferenceKinds
        /// The root's `shortcut` edges: each module and thread frame once.
        let rootEdges: [(kind: ReferenceKind, name: String, object: UInt32)]
        /// What "(GC roots)" reaches: the other roots and what nothing reaches.
        let gcRoots: [UInt32]
        /// Each str with a value gets its own string slot (1, 2, …), so dict keys name
        /// edges without hashing; `.max` for the other objects.
        let textSlot: [UInt32]
        let textCount: UInt32

        init(_ graph: HeapGraph) {
            self.graph = graph
            kinds = ReferenceKinds(graph)
            let start = HeapRoots.startNodes(of: graph)
            let userRoots = graph.roots.filter { $0.kind == "module" || $0.kind == "thread" }
            var isUserRoot = [Bool](repeating: false, count: graph.count)
            var rootEdges: [(kind: ReferenceKind, name: String, object: UInt32)] = []
            for root in userRoots where !isUserRoot[Int(root.object)] {
                isUserRoot[Int(root.object)] = true
                rootEdges.append((.shortcut, root.kind == "module" ? "module \(root.name)" : "thread \(root.name)", root.object))
            }
            self.rootEdges = rootEdges
            gcRoots = (start.roots + start.unreachable).filter { !isUserRoot[Int($0)] }
            var textSlot = [UInt32](repeating: .max, count: graph.count)
            var textCount: UInt32 = 0
            for i in 0..<graph.count where graph.values.textBytes(of: i) != nil {
                textCount += 1
                textSlot[i] = textCount
            }
            self.textSlot = textSlot
            self.textCount = textCount
        }
    }

    /// The `nodes` array: the two synthetic nodes, then one node per object.
    private static func writeNodes(
        _ out: inout OutputBuffer, _ layout: Layout, _ strings: inout InternedStrings
    ) throws(FileSafetyError) {
        let graph = layout.graph, kinds = layout.kinds, textSlot = layout.textSlot
        out.append(",\n\"nodes\":[")
        func node(_ kind: NodeKind, name: UInt32, id: UInt64, size: UInt64, edges: Int, first: Bool = false) {
            if !first { out.append(",\n") }
            out.append(decimal: UInt64(kind.rawValue)); out.append(",")
            out.append(decimal: UInt64(name)); out.append(",")
            out.append(decimal: id); out.append(",")
            out.append(decimal: size); out.append(",")
            out.append(decimal: UInt64(edges)); out.append(",0,0")
        }
        node(.synthetic, name: strings.index(""), id: 1, size: 0, edges: 1 + layout.rootEdges.count, first: true)
        node(.synthetic, name: strings.index("(GC roots)"), id: 3, size: 0, edges: layout.gcRoots.count)
        for i in 0..<graph.count {
            let kind = kinds.nodeKind(of: i)
            let name = kind == .string && textSlot[i] != .max ? textSlot[i] : strings.index(kinds.nodeName(of: i))
            node(kind, name: name, id: nodeID(address: graph.addresses[i], index: i), size: graph.sizes[i],
                edges: graph.referents(of: i).count)
            try out.flushIfFull()
        }
        out.append("],\n\"edges\":[")
    }

    /// The `edges` array: the root's, "(GC roots)"'s, then each object's references in node order.
    private static func writeEdges(
        _ out: inout OutputBuffer, _ layout: Layout, _ strings: inout InternedStrings
    ) throws(FileSafetyError) {
        let graph = layout.graph, kinds = layout.kinds, textSlot = layout.textSlot
        let fieldCount = UInt64(nodeFields.count)
        var firstEdge = true
        func edge(_ kind: ReferenceKind, _ name: UInt64, to ordinal: Int) {
            if !firstEdge { out.append(",\n") }
            firstEdge = false
            out.append(decimal: UInt64(kind.rawValue)); out.append(",")
            out.append(decimal: name); out.append(",")
            out.append(decimal: UInt64(ordinal) * fieldCount)
        }
        edge(.element, 1, to: 1)
        for root in layout.rootEdges { edge(root.kind, UInt64(strings.index(root.name)), to: Int(root.object) + 2) }
        for (position, root) in layout.gcRoots.enumerated() { edge(.element, UInt64(position + 1), to: Int(root) + 2) }
        for i in 0..<graph.count {
            try kinds.forEachReference(of: i) { (target: Int, kind: ReferenceKind, name: ReferenceName) throws(FileSafetyError) in
                let nameOrIndex: UInt64 = switch name {
                case .index(let position): UInt64(position)
                case .text(let text): UInt64(strings.index(text))
                case .keyObject(let key): UInt64(textSlot[key] != .max ? textSlot[key] : strings.index("(key)"))
                }
                edge(kind, nameOrIndex, to: target + 2)
            }
            try out.flushIfFull()
        }
        out.append("],\n\"trace_function_infos\":[],\n\"trace_tree\":[],\n\"samples\":[],\n\"locations\":[],\n")
    }

    /// The `strings` array: `"<dummy>"`, each str's value in its slot's order, then the
    /// interned names; and the end of the document.
    private static func writeStrings(
        _ out: inout OutputBuffer, _ graph: HeapGraph, _ strings: InternedStrings
    ) throws(FileSafetyError) {
        out.append("\"strings\":[\"<dummy>\"")
        for i in 0..<graph.count {
            guard let text = graph.values.textBytes(of: i) else { continue }
            out.append(",\n")
            out.appendJSONString(String(decoding: text, as: UTF8.self))   // repairs a value cut inside a character
            try out.flushIfFull()
        }
        for text in strings.ordered {
            out.append(",\n")
            out.appendJSONString(text)
        }
        out.append("]}\n")
    }

    /// An object's node id: its address, unless that is 1 or 3 (the synthetic
    /// nodes' ids) or too large for a JavaScript number to hold exactly
    /// (2^53), as only a made-up file has; then a number counted down from 2^53.
    static func nodeID(address: UInt64, index: Int) -> UInt64 {
        let exact: UInt64 = 1 << 53
        return address > 3 && address < exact ? address : exact - 2 - 2 * UInt64(index)
    }

    private static func writeMeta(_ out: inout OutputBuffer, nodeCount: Int, edgeCount: Int) {
        func list(_ words: [String]) -> String { "[" + words.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        out.append("{\"snapshot\":{\"meta\":{\"node_fields\":\(list(nodeFields)),\n")
        out.append("\"node_types\":[\(list(NodeKind.v8Names)),\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],\n")
        out.append("\"edge_fields\":\(list(edgeFields)),\n")
        out.append("\"edge_types\":[\(list(ReferenceKind.v8Names)),\"string_or_number\",\"node\"],\n")
        out.append("\"trace_function_info_fields\":\(list(["function_id", "name", "script_name", "script_id", "line", "column"])),\n")
        out.append("\"trace_node_fields\":\(list(["id", "function_info_index", "count", "size", "children"])),\n")
        out.append("\"sample_fields\":\(list(["timestamp_us", "last_assigned_id"])),\n")
        out.append("\"location_fields\":\(list(["object_index", "script_id", "line", "column"]))},\n")
        out.append("\"node_count\":\(nodeCount),\"edge_count\":\(edgeCount),\"trace_function_count\":0}")
    }
}

/// Distinct strings numbered from `firstIndex` in the order first asked for.
struct InternedStrings {
    private var indexOf: [String: UInt32] = [:]
    private(set) var ordered: [String] = []
    let firstIndex: UInt32

    init(firstIndex: UInt32) { self.firstIndex = firstIndex }

    mutating func index(_ text: String) -> UInt32 {
        if let known = indexOf[text] { return known }
        let index = firstIndex + UInt32(ordered.count)
        indexOf[text] = index
        ordered.append(text)
        return index
    }
}
