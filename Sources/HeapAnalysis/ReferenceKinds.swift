public import HeapGraph

/// What an object is, in the words of V8's heap snapshot (`node_types`); the
/// raw value is the position in that table.
public enum NodeKind: Int, Sendable, CaseIterable {
    case hidden, array, string, object, code, closure, regexp, number, native, synthetic
    case concatenatedString, slicedString, symbol, bigint, objectShape

    /// The names V8 writes in `snapshot.meta.node_types[0]`, in order.
    public static let v8Names = [
        "hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic",
        "concatenated string", "sliced string", "symbol", "bigint", "object shape",
    ]
}

/// How one object refers to another, in V8's words (`edge_types`); the raw
/// value is the position in that table.
public enum ReferenceKind: Int, Sendable, CaseIterable {
    case context, element, property, `internal`, hidden, shortcut, weak

    /// The names V8 writes in `snapshot.meta.edge_types[0]`, in order.
    public static let v8Names = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"]
}

/// The name of a reference: an index, a word, or the value of a str object (a dict key).
public enum ReferenceName: Sendable, Hashable {
    case index(Int)
    case text(String)
    /// The str object (snapshot index) whose value is the name.
    case keyObject(Int)
}

/// Sorts a snapshot's objects and references into V8's node and edge types:
/// str is `string`, int/float/bool/complex `number`, functions `closure`, code
/// `code`, cells `hidden`, a function's closure tuple `array`, the rest
/// `object`; dict values are `property` edges named by their key, list and
/// tuple items `element` edges, closure cells `context` edges named by the
/// variable, everything else `internal`.
///
/// No `weak` references: `gc.get_referents` never reports what a weakref points
/// to, so the snapshot has none to label.
public struct ReferenceKinds: Sendable {
    let graph: HeapGraph
    /// Closure tuple (snapshot index) → its free variable names.
    let closureTuples: [UInt32: [String]]
    let kindOfType: [NodeKind]
    let shapeOfType: [Shape]
    let dictsHaveKeys: Bool
    let labels: EdgeLabels

    enum Shape { case dict, sequence, cell, module, function, other }

    /// Kinds for `graph`'s objects and references.
    public init(_ graph: HeapGraph) {
        self.graph = graph
        labels = EdgeLabels(graph)
        kindOfType = graph.typeNames.map { name in
            switch name {
            case "str": .string
            case "int", "float", "bool", "complex": .number
            case "function", "builtin_function_or_method", "method": .closure
            case "code": .code
            case "cell": .hidden
            default: .object
            }
        }
        shapeOfType = graph.typeNames.map { name in
            switch name {
            case "dict": .dict
            case "list", "tuple", "set", "frozenset": .sequence
            case "cell": .cell
            case "module": .module
            case "function": .function
            default: .other
            }
        }
        var tuples: [UInt32: [String]] = [:]
        for (function, names) in graph.closureNames {
            for r in graph.referents(of: Int(function))
            where graph.typeName(of: Int(r)) == "tuple" && graph.referents(of: Int(r)).count == names.count {
                tuples[r] = names
            }
        }
        closureTuples = tuples
        dictsHaveKeys = (graph.metadata.format ?? 1) >= 2 && graph.metadata.source != "meliae"
    }

    /// The node type of object `index`.
    public func nodeKind(of index: Int) -> NodeKind {
        closureTuples[UInt32(index)] != nil ? .array : kindOfType[Int(graph.typeIDs[index])]
    }

    /// The name V8 would give object `index` (a str's own value aside):
    /// a function's qualified name, otherwise its type's.
    public func nodeName(of index: Int) -> String {
        if kindOfType[Int(graph.typeIDs[index])] == .closure, let name = EdgeLabels.functionName(index, in: graph) { return name }
        return graph.typeName(of: index)
    }

    /// Calls `body(target, kind, name)` for each referent of `index`, in the snapshot's order.
    public func forEachReference<Failure: Error>(of index: Int,
        _ body: (Int, ReferenceKind, ReferenceName) throws(Failure) -> Void) throws(Failure) {
        let referents = graph.referents(of: index)
        let start = referents.startIndex
        let shape = shapeOfType[Int(graph.typeIDs[index])]
        if let names = closureTuples[UInt32(index)] {
            for (position, target) in referents.enumerated() {
                try body(Int(target), .context, position < names.count ? .text(names[position]) : .index(position))
            }
            return
        }
        switch shape {
        case .dict where dictsHaveKeys && referents.count % 2 == 0:
            let half = referents.count / 2
            for position in 0..<referents.count {
                let target = Int(referents[start + position])
                if position >= half {
                    try body(target, .internal, .text("(key)"))
                    continue
                }
                let key = Int(referents[start + half + position])
                switch graph.values.value(of: key) {
                case .text?: try body(target, .property, .keyObject(key))
                case .int(let v)? where v >= 0 && v <= Int64(Int32.max): try body(target, .element, .index(Int(v)))
                case .int(let v)?: try body(target, .property, .text(String(v)))
                default: try body(target, .property, .text("(\(graph.typeName(of: key)) key)"))
                }
            }
        case .sequence:
            for (position, target) in referents.enumerated() { try body(Int(target), .element, .index(position)) }
        case .cell:
            for target in referents { try body(Int(target), .internal, .text("cell_contents")) }
        default:
            for (position, target) in referents.enumerated() {
                try body(Int(target), .internal, .text(internalName(from: shape, to: Int(target), position: position)))
            }
        }
    }

    private func internalName(from shape: Shape, to target: Int, position: Int) -> String {
        let targetType = graph.typeName(of: target)
        if graph.typeObjectNames[UInt32(target)] != nil { return "__class__" }
        switch (shape, targetType) {
        case (.module, "dict"): return "__dict__"
        case (.function, "tuple") where closureTuples[UInt32(target)] != nil: return "__closure__"
        case (.function, "code"): return "__code__"
        case (.function, "dict"): return "__globals__"
        case (.other, "dict"): return "__dict__"
        default: return String(position)
        }
    }
}
