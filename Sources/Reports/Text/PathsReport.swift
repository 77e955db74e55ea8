import Foundation
public import HeapAnalysis
public import HeapGraph

/// `memlens paths` and `memlens referrers`: why objects are alive.
public enum PathsReport {
    /// One line per path: `module __main__ → ['cache'] → dict 0x… → …`.
    public static func text(_ paths: [(target: Int, path: [Int]?)], labels: EdgeLabels) -> String {
        var out = ""
        for (target, path) in paths {
            if let path {
                out += labels.steps(path).joined(separator: " → ") + "\n"
            } else {
                out += "\(labels.object(target)): no root reaches it (garbage awaiting collection, or held only by untracked C memory)\n"
            }
        }
        return out
    }

    /// `{"paths": [{"target": "0x…", "type": "…", "steps": ["…"], "addresses": ["0x…"]}]}`.
    public static func json(_ paths: [(target: Int, path: [Int]?)], graph: HeapGraph, labels: EdgeLabels) throws -> String {
        struct Entry: Encodable {
            var target: String
            var type: String
            var steps: [String]
            var addresses: [String]
        }
        return try JSONOutput.string(["paths": paths.map { target, path in
            Entry(target: EdgeLabels.hex(graph.addresses[target]), type: graph.typeName(of: target),
                  steps: path.map { labels.steps($0) } ?? [], addresses: (path ?? []).map { EdgeLabels.hex(graph.addresses[$0]) })
        }])
    }

    /// Graphviz DOT of the union of the paths, edges labelled.
    public static func dot(_ paths: [(target: Int, path: [Int]?)], graph: HeapGraph, labels: EdgeLabels) -> String {
        var nodes: [Int] = []
        var seen = Set<Int>()
        var edges = Set<[Int]>()
        for path in paths.compactMap(\.path) {
            for node in path where seen.insert(node).inserted { nodes.append(node) }
            for (a, b) in zip(path, path.dropFirst()) { edges.insert([a, b]) }
        }
        var out = "digraph paths {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
        for node in nodes {
            out += "  n\(node) [label=\(dotQuoted(labels.object(node) + "\n" + String(graph.sizes[node]) + " B"))];\n"
        }
        for edge in edges.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let label = labels.edge(from: edge[0], to: edge[1]).map { " [label=\(dotQuoted($0))]" } ?? ""
            out += "  n\(edge[0]) -> n\(edge[1])\(label);\n"
        }
        return out + "}\n"
    }

    /// The referrers of `object`, indented by depth.
    public static func referrersText(_ object: Int, referrers: Referrers, labels: EdgeLabels, depth: Int, graph: HeapGraph) -> String {
        var out = labels.object(object) + " (\(graph.sizes[object]) B) is referred to by:\n"
        func walk(_ node: Int, level: Int, visited: inout Set<Int>) {
            guard level <= depth else { return }
            var shown = Set<UInt32>()
            for r in referrers.of(node) where shown.insert(r).inserted {
                let how = labels.edge(from: Int(r), to: node).map { " via \($0)" } ?? ""
                out += String(repeating: "  ", count: level) + "← " + labels.object(Int(r)) + how + "\n"
                if visited.insert(Int(r)).inserted { walk(Int(r), level: level + 1, visited: &visited) }
            }
        }
        var visited: Set<Int> = [object]
        walk(object, level: 1, visited: &visited)
        if referrers.of(object).isEmpty { out += "  (nothing in the snapshot: held by C code or a running frame)\n" }
        return out
    }

    /// The direct referrers of `target` as one JSON document: address, type and the referring edge.
    public static func referrersJSON(_ target: Int, referrers: Referrers, labels: EdgeLabels, graph: HeapGraph) throws -> String {
        struct Row: Encodable { var address: String; var type: String; var via: String? }
        let rows = Array(Set(referrers.of(target))).sorted().map {
            Row(address: EdgeLabels.hex(graph.addresses[Int($0)]), type: graph.typeName(of: Int($0)),
                via: labels.edge(from: Int($0), to: target))
        }
        return try JSONOutput.string(["referrers": rows])
    }
}
