import Foundation
public import HeapAnalysis
public import HeapGraph
import ProcessModels
public import SafeFiles

/// `memlens report`: one self-contained HTML page (no network, nothing
/// fetched, readable with scripts off): header, memory composition, a
/// treemap of retained size drawn as SVG here, the types table, the largest
/// retainers with their paths, findings, and for two snapshots what grew.
/// The treemap's nodes travel as one JSON block for the page's small script
/// (zoom, breadcrumb, table sorting and filtering).
public enum HTMLReport {
    /// The treemap's drawing size, in SVG units.
    public static let canvas = LayoutRect(x: 0, y: 0, width: 1000, height: 560)
    /// Rows of the types table (the rest are summed in a last line).
    static let typeRows = 300

    /// Writes the page to `output` (temporary name beside it, renamed into place, mode 0600); returns its size in bytes.
    @discardableResult
    public static func write(_ report: HeapReportContents, olderPath: String?, path: String,
        to output: String) throws(FileSafetyError) -> Int {
        let page = render(report, olderPath: olderPath, path: path)
        try AtomicOutput.write(to: output) { (out: inout OutputBuffer) throws(FileSafetyError) in out.append(page) }
        return page.utf8.count
    }

    /// The page.
    public static func render(_ report: HeapReportContents, olderPath: String?, path: String) -> String {
        let graph = report.graph
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>memlens · \(html(title(graph, path: path)))</title>
            <style>\(style)</style></head><body>
            <header><h1>memlens heap report</h1><p class="sub">\(html(title(graph, path: path)))</p>
            \(facts(report, olderPath: olderPath, path: path))</header>
            <nav>\(navigation(hasGrowth: report.growth != nil))</nav>
            <main>

            """
        page += composition(graph)
        page += treemapSection(report.treemap, graph: graph)
        if let growth = report.growth { page += growthSection(growth, graph: graph) }
        page += typesSection(report.types)
        page += retainersSection(report.retainers, graph: graph)
        page += findingsSection(report)
        page += "</main>\n<footer>Made by memlens from \(html(path)). Sizes are <code>sys.getsizeof</code>; retained sizes follow the " +
            "dominator tree (Eclipse MAT's definition).</footer>\n"
        page += "<script type=\"application/json\" id=\"memlens-data\">" + treemapJSON(report.treemap) + "</script>\n"
        page += "<script>\(script)</script>\n</body></html>\n"
        return page
    }

    static func title(_ graph: HeapGraph, path: String) -> String {
        let pid = graph.metadata.pid.map { "pid \($0)" } ?? "unknown process"
        let command = (graph.metadata.argv ?? []).joined(separator: " ")
        return command.isEmpty ? "\(pid) · \(path)" : "\(pid) · \(command)"
    }

    static func facts(_ report: HeapReportContents, olderPath: String?, path: String) -> String {
        let graph = report.graph, meta = graph.metadata
        var rows: [(String, String)] = [
            ("Process", meta.pid.map(String.init) ?? "unknown"),
            ("Python", [meta.implementation, meta.python].compactMap { $0 }.joined(separator: " ")),
            ("Taken", meta.time.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0)) } ?? "unknown"),
            ("Objects", grouped(graph.count)),
            ("Object bytes", ByteFormat.string(graph.totalSizeBytes)),
            ("RSS at the dump", meta.rssBytes.map(ByteFormat.string) ?? "not recorded"),
            ("Snapshot", "\(path) (\(meta.source ?? "?") format \(meta.format.map(String.init) ?? "?"), values " +
                "\(meta.values == false ? "not recorded" : "recorded"))"),
        ]
        if let uss = meta.ussBytes, let pss = meta.pssBytes, let dirty = meta.privateDirtyBytes {
            rows.insert(("USS · PSS · private dirty", [uss, pss, dirty].map(ByteFormat.string).joined(separator: " · ")), at: 6)
        }
        if let olderPath, let growth = report.growth {
            rows.append(("Compared with", "\(olderPath): \(grouped(growth.olderObjects)) objects, \(ByteFormat.string(growth.olderBytes))"))
        }
        if report.unreachableCount > 0 { rows.append(("Unreachable",
            "\(grouped(report.unreachableCount)) objects no root reaches (counted as roots)")) }
        let items = rows.map { "<div\($0.1.count > 40 ? " class=\"wide\"" : "")><dt>\(html($0.0))</dt><dd>\(html($0.1))</dd></div>" }
        return "<dl class=\"facts\">" + items.joined() + "</dl>"
    }

    static func navigation(hasGrowth: Bool) -> String {
        var links = [("composition", "Composition"), ("treemap", "Treemap")]
        if hasGrowth { links.append(("growth", "Growth")) }
        links += [("types", "Types"), ("retainers", "Largest retainers"), ("findings", "Findings")]
        return links.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " ")
    }

    /// The live objects against the RSS the snapshot recorded; a read-only snapshot's objects that own
    /// buffers (numpy arrays, bytearrays…, their buffers included) apart from the others.
    static func composition(_ graph: HeapGraph) -> String {
        var out = "<section id=\"composition\"><h2>Memory composition</h2>\n"
        let objects = graph.totalSizeBytes
        guard let rss = graph.metadata.rssBytes, rss > 0 else {
            return out + "<p>The snapshot did not record the RSS, so only the objects are known: " +
                "\(ByteFormat.string(objects)).</p></section>\n"
        }
        let live = min(objects, rss), owners = min(graph.metadata.bufferOwnerBytes ?? 0, live)
        let parts: [(css: String, label: String, bytes: UInt64)] = [
            ("owned", "objects that own buffers (numpy arrays, bytearrays, array.array, BytesIO…), their buffers included", owners),
            ("live", owners > 0 ? "other live objects" : "live objects", live - owners),
            ("other", "everything else", rss - live),
        ].filter { $0.bytes > 0 || $0.css != "owned" }
        func share(_ bytes: UInt64) -> String { ByteFormat.formatDecimal(Double(bytes) / Double(rss) * 100, places: 2) }
        out += "<div class=\"bar\" role=\"img\" aria-label=\"live objects \(ByteFormat.string(live)) of RSS \(ByteFormat.string(rss))\">"
        for part in parts {
            out += "<span class=\"\(part.css)\" style=\"width:\(share(part.bytes))%\" "
                + "title=\"\(part.label) \(ByteFormat.string(part.bytes))\"></span>"
        }
        out += "</div>\n<p class=\"legend\">"
        for part in parts.dropLast() {
            out += "<span class=\"key \(part.css)\"></span>\(part.label.prefix(1).uppercased() + part.label.dropFirst()) " +
                "\(ByteFormat.string(part.bytes)) (\(ByteFormat.formatDecimal(Double(part.bytes) / Double(rss) * 100, places: 1))%) "
        }
        out += "<span class=\"key other\"></span>Everything else in the RSS \(ByteFormat.string(rss - live)): free space in obmalloc " +
            "arenas and malloc's free lists, "
        out += "the interpreter, libraries and stacks"
        if let uss = graph.metadata.ussBytes { out += " (of the RSS, \(ByteFormat.string(uss)) is the process's own: its USS)" }
        out += ". This snapshot carries no arena or malloc figures to split it further; "
        out += "<code>memlens frag PID</code> does.</p></section>\n"
        return out
    }

    static func typesSection(_ types: [HeapReportContents.TypeRow]) -> String {
        var out = "<section id=\"types\"><h2>Types</h2>\n<p><input id=\"type-filter\" type=\"search\" placeholder=\"Filter types…\" " +
            "aria-label=\"Filter types\"> "
        out += "<span class=\"hint\">Click a column to sort. Retained: objects of the type that no object of the same type dominates, " +
            "with all they dominate.</span></p>\n"
        out += "<div class=\"scroll\"><table class=\"sortable\" id=\"types-table\"><thead><tr><th data-sort=\"text\">Type</th><th " +
            "data-sort=\"number\" class=\"num\">Count</th>"
        out += "<th data-sort=\"number\" class=\"num\">Size</th><th data-sort=\"number\" class=\"num\">Retained</th></tr></thead><tbody>\n"
        for row in types.prefix(typeRows) {
            out += "<tr><td>\(html(row.type))</td><td class=\"num\" data-value=\"\(row.count)\">\(grouped(row.count))</td>"
            out += "<td class=\"num\" data-value=\"\(row.sizeBytes)\">\(ByteFormat.string(row.sizeBytes))</td>"
            out += "<td class=\"num\" data-value=\"\(row.retainedBytes)\">\(ByteFormat.string(row.retainedBytes))</td></tr>\n"
        }
        out += "</tbody></table></div>\n"
        if types.count > typeRows {
            let rest = types.dropFirst(typeRows)
            out += "<p class=\"hint\">\(grouped(rest.count)) more types with \(grouped(rest.reduce(0) { $0 + $1.count })) objects, " +
                "\(ByteFormat.string(rest.map(\.sizeBytes).saturatedSum())).</p>\n"
        }
        return out + "</section>\n"
    }

    static func retainersSection(_ retainers: [HeapReportContents.Retainer], graph: HeapGraph) -> String {
        var out = "<section id=\"retainers\"><h2>The \(retainers.count) largest retainers</h2>\n<p class=\"hint\">What would be freed " +
            "with each object, and the shortest path to it from a root.</p><ol class=\"retainers\">\n"
        for r in retainers {
            out += "<li><span class=\"size\">\(ByteFormat.string(r.retainedBytes))</span> <b>\(html(r.steps.last ?? ""))</b> "
            out += "<span class=\"hint\">own \(ByteFormat.string(graph.sizes[r.object]))</span>\(pathHTML(r.steps))</li>\n"
        }
        return out + "</ol></section>\n"
    }

    static func pathHTML(_ steps: [String]) -> String {
        "<div class=\"path\">" + steps.map { "<span>\(html($0))</span>" }.joined(separator: "<i>→</i>") + "</div>"
    }

    /// `12,345`.
    static func grouped(_ value: Int) -> String { value.groupedDigits }

    /// Text made safe for HTML content and attribute values.
    static func html(_ text: String) -> String { escape(text, htmlEscapes, controls: false) }

    static let htmlEscapes: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]

    /// `text` with each scalar in `table` replaced, and with `controls` each other one below U+0020 written `\u00XX`.
    static func escape(_ text: String, _ table: [Unicode.Scalar: String], controls: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            if let replacement = table[c] {
                out += replacement
            } else if controls, c.value < 0x20 {
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
