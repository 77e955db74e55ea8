public import HeapGraph

/// Shortest paths from the heap's roots to chosen objects, keeping each
/// object's parent (4 bytes per object). The search starts from the named
/// roots (sys.modules, modules, thread frames) and only then adds the objects
/// held by C code or running frames, so a path goes through a module when one can.
public struct PathFinder: Sendable {
    private let parent: [UInt32]
    private static let unseen = UInt32.max
    private static let isRoot = UInt32.max - 1

    /// Searches `graph` from `HeapRoots.roots(of:)` until every object in
    /// `targets` is reached (or everything reachable is).
    public init(_ graph: HeapGraph, targets: Set<Int>) {
        var parent = [UInt32](repeating: Self.unseen, count: graph.count)
        var queue: [UInt32] = []
        var remaining = targets.count
        var head = 0
        for phase in [graph.roots.map(\.object), HeapRoots.roots(of: graph)] {
            for root in phase where parent[Int(root)] == Self.unseen {
                parent[Int(root)] = Self.isRoot
                queue.append(root)
                if targets.contains(Int(root)) { remaining -= 1 }
            }
            while head < queue.count, remaining > 0 {
                let v = queue[head]
                head += 1
                for w in graph.referents(of: Int(v)) where parent[Int(w)] == Self.unseen {
                    parent[Int(w)] = v
                    queue.append(w)
                    if targets.contains(Int(w)) { remaining -= 1 }
                }
            }
        }
        self.parent = parent
    }

    /// The path from a root to `object` (root first), or nil if no root reaches it.
    public func path(to object: Int) -> [Int]? {
        guard parent[object] != Self.unseen else { return nil }
        var path = [object]
        var v = parent[object]
        while v != Self.isRoot {
            path.append(Int(v))
            v = parent[Int(v)]
        }
        return path.reversed()
    }
}

/// Words for objects and for the references between them: dict keys,
/// indices, closure variables, `__dict__`, as far as the snapshot records them.
public struct EdgeLabels: Sendable {
    let graph: HeapGraph
    let rootNames: [Int: String]

    /// Labels for objects and edges of `graph`.
    public init(_ graph: HeapGraph) {
        self.graph = graph
        var names: [Int: String] = [:]
        for root in graph.roots where names[Int(root.object)] == nil {
            switch root.kind {
            case "module": names[Int(root.object)] = "module \(root.name)"
            case "thread": names[Int(root.object)] = "thread \(root.name) frame"
            // Read-only snapshots: `thread 1234 → main() app.py:42 → local 'x'`, and frames (3.8–3.10) alike.
            case "local", "frame": names[Int(root.object)] = "\(root.name) → \(Self.describe(Int(root.object), in: graph))"
            default: names[Int(root.object)] = root.kind
            }
        }
        rootNames = names
    }

    /// `0x7f…`.
    public static func hex(_ address: UInt64) -> String { "0x" + String(address, radix: 16) }

    /// A short description of object `index`: `module x`, `function f`, `class C`, `str 'abc'`, `dict 0x…`.
    public func object(_ index: Int) -> String {
        rootNames[index] ?? Self.describe(index, in: graph)
    }

    /// `function f`, `class C`, `str 'abc'`, `dict 0x…`: an object by what it is, root or not.
    static func describe(_ index: Int, in graph: HeapGraph) -> String {
        if let name = graph.typeObjectNames[UInt32(index)] { return "class \(name)" }
        let type = graph.typeName(of: index)
        switch graph.values.value(of: index) {
        case .text(let s, let length)?: return "str '\(s.prefix(40))\(length > 40 ? "…" : "")'"
        case .int(let v)?: return "int \(v)"
        case .float(let v)?: return "float \(v)"
        default: break
        }
        if type == "function", let name = functionName(index, in: graph) { return "function \(name)" }
        return "\(type) \(Self.hex(graph.addresses[index]))"
    }

    /// The qualified name of a function: its longest dotted-identifier str referent.
    static func functionName(_ index: Int, in graph: HeapGraph) -> String? {
        var best: String?
        for r in graph.referents(of: index) {
            if case .text(let s, _)? = graph.values.value(of: Int(r)), !s.isEmpty,
               s.allSatisfy({ $0.isLetter || $0.isNumber || "_.<>".contains($0) }),
               s.count > (best?.count ?? 0) {
                best = s
            }
        }
        return best
    }

    /// How `from` refers to `to`, e.g. `['key']`, `[3]`, `__dict__`; nil when nothing better than an arrow can be said.
    public func edge(from: Int, to: Int) -> String? {
        let referents = graph.referents(of: from)
        guard let position = referents.firstIndex(of: UInt32(to)).map({ $0 - referents.startIndex }) else { return nil }
        let sourceType = graph.typeName(of: from)
        let targetType = graph.typeName(of: to)
        switch sourceType {
        case "dict" where (graph.metadata.format ?? 1) >= 2 || graph.metadata.source == "meliae":
            let half = referents.count / 2
            guard referents.count % 2 == 0, graph.metadata.source != "meliae" else { return nil }
            if position >= half { return "(a key)" }
            return "[\(keyText(Int(referents[referents.startIndex + half + position])))]"
        case "list", "tuple": return "[\(position)]"
        case "numpy.ndarray": return arrayEdge(position: position, of: referents.count, last: Int(referents[referents.endIndex - 1]))
        case "cell": return nil
        case "module" where targetType == "dict": return "__dict__"
        case "function":
            switch targetType {
            case "tuple": return "__closure__"
            case "code": return "__code__"
            case "dict": return "__globals__ or __dict__"
            default: return nil
            }
        default:
            // A generator's, coroutine's or frame's variables (read-only snapshots).
            if let names = graph.localNames[UInt32(from)], names.count == referents.count, !names[position].isEmpty {
                return "local '\(names[position])'"
            }
            if graph.typeObjectNames[UInt32(from)] != nil, targetType == "dict" { return "__dict__" }
            // 3.11+ inline values, then the class: named by the class's shared keys when every one is set.
            if let last = referents.last, let names = graph.attributeNames[last],
               names.count == referents.count - 1, position < names.count {
                return ".\(names[position])"
            }
            // A Python class's instance: its slots come before its class (as subtype_traverse visits
            // them); what a native heap type (3.12's _asyncio.Task, say) visits after its type is no slot.
            if let classPosition = referents.firstIndex(where: { graph.typeObjectNames[$0] != nil }) {
                if targetType == "dict" { return "__dict__" }
                return position < classPosition - referents.startIndex ? "attribute #\(position) (name not recorded)" : nil
            }
            return nil
        }
    }

    /// An array's referents are its elements (an object array's, in C order), its dtype, then its base if
    /// it has one: the base is last unless the last is a dtype (numpy 1.x `numpy.dtype[…]`, 2.x `numpy.dtypes.…`).
    private func arrayEdge(position: Int, of count: Int, last: Int) -> String {
        let lastType = graph.typeName(of: last)
        let hasBase = !lastType.hasPrefix("numpy.dtype")
        let dtype = hasBase ? count - 2 : count - 1
        if position == dtype { return ".dtype" }
        return position > dtype ? ".base" : "[\(position)]"
    }

    private func keyText(_ key: Int) -> String {
        switch graph.values.value(of: key) {
        case .text(let s, _)?: return "'\(s)'"
        case .int(let v)?: return String(v)
        default: return graph.typeName(of: key)
        }
    }

    /// A path as steps: `module __main__ → ['cache'] → dict 0x… → …`, with a
    /// function's closure tuple and cell folded into `closure cell 'name'`.
    public func steps(_ path: [Int]) -> [String] {
        guard let first = path.first else { return [] }
        var steps = [object(first)]
        var i = 1
        while i < path.count {
            let previous = path[i - 1], node = path[i]
            // function → __closure__ tuple → [k] cell → contents
            if graph.typeName(of: previous) == "function", graph.typeName(of: node) == "tuple",
               i + 1 < path.count, graph.typeName(of: path[i + 1]) == "cell",
               let names = graph.closureNames[UInt32(previous)] {
                let referents = graph.referents(of: node)
                let cellPosition = referents.firstIndex(of: UInt32(path[i + 1])).map { $0 - referents.startIndex }
                let name = cellPosition.flatMap { $0 < names.count ? names[$0] : nil } ?? "?"
                steps.append("closure cell '\(name)'")
                i += 2
                if i < path.count { steps.append(object(path[i])) }
                i += 1
                continue
            }
            if let label = edge(from: previous, to: node) { steps.append(label) }
            steps.append(object(node))
            i += 1
        }
        return steps
    }
}
