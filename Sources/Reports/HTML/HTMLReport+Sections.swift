public import HeapAnalysis
import HeapGraph

extension HTMLReport {
    /// The treemap section: the root view drawn here (two levels), zoomed views drawn by the script from the JSON block.
    static func treemapSection(_ treemap: RetainedTreemap, graph: HeapGraph) -> String {
        let nodes = treemap.nodes
        var out = "<section id=\"treemap\"><h2>Where the memory is retained</h2>\n"
        out += "<p class=\"hint\">The dominator tree in groups, each split by type, then into its largest objects: a module or thread " +
            "frame with what it alone retains; "
        out += "the largest other objects that no single root dominates; the rest of those by type (“other roots”: held by C code or " +
            "by several roots). "
        out += "Hover for sizes; click to zoom in, and use the path above the map to zoom out.</p>\n"
        out += "<div class=\"crumbs\" id=\"treemap-crumbs\"><button type=\"button\" data-node=\"0\">all objects · " +
            "\(ByteFormat.string(nodes[0].sizeBytes))</button></div>\n"
        out += "<svg id=\"treemap-svg\" viewBox=\"0 0 \(Int(canvas.width)) \(Int(canvas.height))\" role=\"img\" aria-label=\"treemap of " +
            "retained size\">\n"
        let hues = groupHues(treemap)
        for child in nodes[0].children {
            out += cellSVG(nodes[child], index: child, rect: nodes[child].rect, outer: true, hue: hues[child], addresses: graph.addresses)
            for grandchild in nodes[child].children {
                out += cellSVG(nodes[grandchild], index: grandchild, rect: nodes[grandchild].nestedRect, outer: false,
                    hue: hues[grandchild])
            }
        }
        out += "</svg>\n<div id=\"treemap-tip\" hidden></div></section>\n"
        return out
    }

    /// A hue per node: its top-level group's.
    static func groupHues(_ treemap: RetainedTreemap) -> [Int] {
        var hues = [Int](repeating: 210, count: treemap.nodes.count)
        for (rank, group) in treemap.nodes[0].children.enumerated() { hues[group] = (205 + rank * 47) % 360 }
        for index in treemap.nodes.indices where treemap.nodes[index].parent > 0 { hues[index] = hues[treemap.nodes[index].parent] }
        return hues
    }

    static func cellSVG(_ node: RetainedTreemap.Node, index: Int, rect: LayoutRect, outer: Bool, hue: Int,
        addresses: [UInt64]? = nil) -> String {
        let lightness = node.kind == .rest ? (outer ? 90 : 80) : (outer ? 88 : 68)
        let saturation = node.kind == .rest ? 8 : (outer ? 40 : 50)
        var out = "<g class=\"cell \(outer ? "outer" : "inner")\" data-node=\"\(index)\" data-depth=\"\(outer ? 1 : 2)\" " +
            "data-name=\"\(html(node.name))\" data-size=\"\(node.sizeBytes)\""
        if let object = node.object, let address = addresses?[object] { out += " data-address=\"\(EdgeLabels.hex(address))\"" }
        out += ">"
        out += "<rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" " +
            "fill=\"hsl(\(hue),\(saturation)%,\(lightness)%)\"/>"
        if let label = cellLabel(node.name, size: node.sizeBytes, rect: rect) {
            out += "<text x=\"\(n(rect.x + 4))\" y=\"\(n(rect.y + 12))\">\(html(label))</text>"
        }
        out += "<title>\(html(tooltip(node)))</title></g>\n"
        return out
    }

    /// The label that fits in `rect` (about 6.5 units per character at the page's 11-unit font), or nil.
    static func cellLabel(_ name: String, size: UInt64, rect: LayoutRect) -> String? {
        guard rect.width > 30, rect.height > 14 else { return nil }
        let room = Int((rect.width - 8) / 6.5)
        let text = name + " · " + ByteFormat.string(size)
        if text.count <= room { return text }
        if name.count <= room { return name }
        return room > 2 ? String(name.prefix(room - 1)) + "…" : nil
    }

    static func tooltip(_ node: RetainedTreemap.Node) -> String {
        var text = node.name + "\n" + ByteFormat.string(node.sizeBytes)
        text += node.kind == .object ? " own, \(ByteFormat.string(node.retainedBytes)) retained" : " retained by " +
            "\(grouped(node.count)) objects"
        return text
    }

    /// `12.5` with at most one decimal, for SVG coordinates.
    static func n(_ value: Double) -> String { ByteFormat.formatDecimal(value, places: 1) }

    /// `{"nodes": [[name, kind, size, retained, count, parent, [x, y, w, h], [nested x, y, w, h], hue], …]}`.
    static func treemapJSON(_ treemap: RetainedTreemap) -> String {
        let hues = groupHues(treemap)
        var out = "{\"nodes\":["
        for (index, node) in treemap.nodes.enumerated() {
            if index > 0 { out += ",\n" }
            let r = node.rect, q = node.nestedRect
            out += "[" + jsonString(node.name) + ",\"\(node.kind.rawValue)\","
            out += "\(node.sizeBytes),\(node.retainedBytes),\(node.count),\(node.parent),"
            out += "[\(n(r.x)),\(n(r.y)),\(n(r.width)),\(n(r.height))],[\(n(q.x)),\(n(q.y)),\(n(q.width)),\(n(q.height))],\(hues[index])]"
        }
        return out + "]}"
    }

    /// A JSON string literal that cannot end a `<script>` block (`<` is written `\u003c`).
    static func jsonString(_ text: String) -> String {
        "\"" + escape(text, jsonEscapes, controls: true) + "\""
    }

    static let jsonEscapes: [Unicode.Scalar: String] = [
        "\"": "\\\"", "\\": "\\\\", "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u{2028}": "\\u2028", "\u{2029}": "\\u2029",
    ]

    /// Growth by type as a bar chart, the new objects by holder, and what was freed.
    static func growthSection(_ growth: HeapReportContents.Growth, graph: HeapGraph) -> String {
        var out = "<section id=\"growth\"><h2>What grew</h2>\n"
        out += "<p class=\"hint\">New objects' bytes by type, each charged to the class instance that holds it when a new one does "
        out += "(an instance's list and strings count as its class). The count is the change in the number of objects of the type.</p>\n"
        let rows = Array(growth.growth.rows.prefix(15))
        let largest = Double(max(rows.first?.newBytes ?? 1, 1))
        out += "<svg class=\"bars\" id=\"growth-chart\" viewBox=\"0 0 1000 \(rows.count * 26 + 4)\" role=\"img\" aria-label=\"growth " +
            "by type\">\n"
        for (i, row) in rows.enumerated() {
            let y = Double(i * 26 + 2), width = max(Double(row.newBytes) / largest * 440, 1)
            let delta = (row.countDelta >= 0 ? "+" : "") + grouped(row.countDelta)
            out += "<g class=\"growth-bar\" data-type=\"\(html(row.type))\" data-count-delta=\"\(row.countDelta)\">"
            out += "<text x=\"296\" y=\"\(n(y + 16))\" text-anchor=\"end\">\(html(String(row.type.suffix(44))))</text>"
            out += "<rect x=\"304\" y=\"\(n(y + 3))\" width=\"\(n(width))\" height=\"18\" rx=\"2\"/>"
            out += "<text x=\"\(n(312 + width))\" y=\"\(n(y + 16))\">\(delta) · \(ByteFormat.string(row.newBytes)) new</text>"
            out += "<title>\(html(row.type)): \(delta) objects, \(grouped(row.newCount)) new, \(ByteFormat.string(row.newBytes)) " +
                "charged</title></g>\n"
        }
        out += "</svg>\n"
        if rows.isEmpty { out += "<p>No new objects: nothing was created between the two snapshots that is still there.</p>\n" }
        out += "<h3>New objects that survived, and what holds them</h3>\n"
        if growth.survivors.isEmpty {
            out += "<p>None.</p>\n"
        } else {
            out += "<table><thead><tr><th>Type</th><th class=\"num\">New</th><th class=\"num\">Bytes</th><th>Held by (of up to 200 " +
                "examined per type; paths through the same types counted together)</th></tr></thead><tbody>\n"
            for group in growth.survivors {
                let holders = group.holders.map { "<div><span class=\"count\">\(grouped($0.count)) of " +
                    "\(grouped(group.examined))</span>\(pathHTML($0.steps))</div>" }.joined()
                out += "<tr><td>\(html(group.type))</td><td class=\"num\">\(grouped(group.count))</td><td " +
                    "class=\"num\">\(ByteFormat.string(group.sizeBytes))</td><td>\(holders)</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        out += "<h3>What was freed</h3>\n"
        if growth.freed.isEmpty { return out + "<p>Nothing: every object of the older snapshot is still there.</p></section>\n" }
        out += "<table><thead><tr><th>Type</th><th class=\"num\">Freed</th><th class=\"num\">Bytes</th></tr></thead><tbody>\n"
        for row in growth.freed.prefix(15) {
            out += "<tr><td>\(html(row.type))</td><td class=\"num\">\(grouped(row.freedCount))</td><td " +
                "class=\"num\">\(ByteFormat.string(row.freedSize))</td></tr>\n"
        }
        return out + "</tbody></table></section>\n"
    }

    /// Leak suspects, cycles and duplicate strings, each with its numbers.
    static func findingsSection(_ report: HeapReportContents) -> String {
        let graph = report.graph
        var out = "<section id=\"findings\"><h2>Findings</h2>\n<h3>Leak suspects</h3>\n"
        if report.suspects.isEmpty {
            out += "<p>No single object (other than a module or frame) retains 10% or more of the heap.</p>\n"
        } else {
            out += "<ol class=\"retainers\">"
            for s in report.suspects {
                let share = Double(s.retainedBytes) / Double(max(graph.totalSizeBytes, 1)) * 100
                out += "<li><span class=\"size\">\(ByteFormat.string(s.retainedBytes))</span> <b>\(html(s.steps.last ?? ""))</b> "
                out += "<span class=\"hint\">\(ByteFormat.formatDecimal(share, places: 1))% of the heap</span>\(pathHTML(s.steps))</li>"
            }
            out += "</ol>\n"
        }
        out += "<h3>Reference cycles</h3>\n<p>\(grouped(report.cycleCount)) cycles (groups of objects only the cyclic collector can " +
            "free).</p>\n"
        if !report.cycles.isEmpty {
            out += "<table><thead><tr><th class=\"num\">Objects</th><th class=\"num\">Size</th><th " +
                "class=\"num\">Retained</th><th>Types</th></tr></thead><tbody>\n"
            for c in report.cycles {
                out += "<tr><td class=\"num\">\(grouped(c.members.count))</td><td class=\"num\">\(ByteFormat.string(c.sizeBytes))</td>"
                out += "<td class=\"num\">\(ByteFormat.string(c.retainedBytes))</td>"
                out += "<td>\(html(FindingsReport.typeMix(c, graph: graph)))</td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        let dupes = report.duplicates
        let wasted = dupes.wastedBytes
        out += "<h3>Duplicate strings</h3>\n<p>\(grouped(dupes.groups.count)) values held more than once; the extra copies take " +
            "\(ByteFormat.string(wasted)).</p>\n"
        if !dupes.groups.isEmpty {
            out += "<table><thead><tr><th class=\"num\">Copies</th><th " +
                "class=\"num\">Wasted</th><th>Type</th><th>Value</th></tr></thead><tbody>\n"
            for g in dupes.groups.prefix(10) {
                out += "<tr><td class=\"num\">\(grouped(g.count))</td><td " +
                    "class=\"num\">\(ByteFormat.string(g.wastedBytes))</td><td>\(html(g.type))</td>"
                out += "<td><code>\(html(FindingsReport.quoted(g.value)))</code></td></tr>\n"
            }
            out += "</tbody></table>\n"
        }
        return out + "</section>\n"
    }
}

extension HTMLReport {
    /// `{"output", "bytes", "groups": [{"name", "size"}], "growth": [{"type", "count_delta", "new_bytes"}]}`: what the page shows first.
    public static func summaryJSON(_ report: HeapReportContents, output: String, bytes: Int) throws -> String {
        struct Group: Encodable { var name: String; var size: UInt64 }
        struct Growth: Encodable {
            var type: String; var countDelta: Int; var newBytes: UInt64

            enum CodingKeys: String, CodingKey {
                case type, countDelta = "count_delta", newBytes = "new_bytes"
            }
        }
        struct Document: Encodable { var output: String; var bytes: Int; var groups: [Group]; var growth: [Growth]? }
        let nodes = report.treemap.nodes
        return try JSONOutput.string(Document(
            output: output, bytes: bytes,
            groups: nodes[0].children.map { Group(name: nodes[$0].name, size: nodes[$0].sizeBytes) },
            growth: report.growth.map { $0.growth.rows.prefix(15).map { Growth(type: $0.type, countDelta: $0.countDelta,
                newBytes: $0.newBytes) } }))
    }
}
