import Foundation
public import HeapAnalysis
public import HeapGraph

/// Graphviz DOT of a `TopDominators` tree: one box per object (what it is,
/// its retained and own size), an arrow from each to the objects it is the
/// nearest chosen dominator of, labelled with the reference when it is a direct one.
public enum DominatorsDOT {
    /// The DOT text.
    public static func render(_ top: TopDominators, graph: HeapGraph, sizes: RetainedSizes) -> String {
        let labels = EdgeLabels(graph)
        var out = "digraph dominators {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n"
        for v in top.objects {
            let text = labels.object(v) + "\nretained " + ByteFormat.string(sizes.retainedBytes[v]) + ", own " +
                "" + ByteFormat.string(graph.sizes[v])
            out += "  n\(v) [label=\(dotQuoted(text))];\n"
        }
        for v in top.objects {
            guard let d = top.parent[v] else { continue }
            let direct = sizes.tree.idom[v] == UInt32(d)
            let label = direct ? labels.edge(from: d, to: v) : "dominates (through others)"
            out += "  n\(d) -> n\(v)" + (label.map { " [label=\(dotQuoted($0))" + (direct ? "" : ", style=dashed") + "]" } ?? "") + ";\n"
        }
        return out + "}\n"
    }
}

/// `s` as a DOT double-quoted string.
func dotQuoted(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n",
        with: "\\n") + "\""
}
