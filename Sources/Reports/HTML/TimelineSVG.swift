import ProcessModels

/// The timeline's SVG, laid out here: time against memory (writable stacked
/// under the rest of RSS), growth steps shaded, event markers with hover text
/// (`<title>`, no script needed), and the small multiples of growing types.
enum TimelineSVG {
    static let width = 1000.0, height = 400.0
    static let left = 70.0, right = 980.0, top = 56.0, bottom = 370.0

    static let colors: [TimelineEvent.Kind: String] = [
        .import: "#1f77b4", .collection: "#7f7f7f", .growth: "#d62728", .drop: "#2ca02c", .snapshot: "#9467bd",
    ]

    static func chart(_ timeline: Timeline) -> String {
        let samples = thinned(timeline.samples, to: 1500)
        let t1 = max(timeline.durationSeconds, timeline.intervalSeconds)
        let yMax = niceCeiling(Double(max(timeline.peaks.rss, 1 << 20)) * 1.05)
        func x(_ t: Double) -> Double { left + (right - left) * min(max(t / t1, 0), 1) }
        func y(_ bytes: UInt64) -> Double { bottom - (bottom - top) * Double(bytes) / yMax }
        func point(_ px: Double, _ py: Double) -> String { "\(f(px)),\(f(py))" }

        var svg = "<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" "
            + "data-x0=\"\(left)\" data-x1=\"\(right)\" data-t1=\"\(t1)\" role=\"img\" aria-label=\"memory over time\">\n"
        // Axes and grid.
        for i in 0...5 {
            let bytes = yMax * Double(i) / 5, py = bottom - (bottom - top) * Double(i) / 5
            svg += "<line x1=\"\(left)\" x2=\"\(right)\" y1=\"\(f(py))\" y2=\"\(f(py))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py + 4))\" text-anchor=\"end\">\(ByteFormat.string(UInt64(bytes)))</text>\n"
        }
        for i in 0...6 {
            let t = t1 * Double(i) / 6
            svg += "<text x=\"\(f(x(t)))\" y=\"\(f(bottom + 18))\" text-anchor=\"middle\">\(ByteFormat.formatDecimal(t, places: t1 < 10 ? 1 : 0)) s</text>"
        }
        svg += "\n"
        // Growth and drop steps, shaded under everything else.
        for event in timeline.events where event.fromT != nil {
            let x0 = x(event.fromT ?? event.t), x1 = max(x(event.t), x0 + 2)
            svg += "<rect x=\"\(f(x0))\" y=\"\(f(top))\" width=\"\(f(x1 - x0))\" height=\"\(f(bottom - top))\" fill=\"\(colors[event.kind] ?? "#999")\" opacity=\"0.12\">"
                + "<title>\(HTML.escape(event.label))</title></rect>\n"
        }
        if let first = samples.first, let last = samples.last {
            // Writable from the baseline; the rest of RSS stacked on it.
            let writable = samples.map { point(x($0.t), y($0.writableBytes)) }
            let rss = samples.map { point(x($0.t), y(max($0.rssBytes, $0.writableBytes))) }
            svg += "<polygon fill=\"#f4a582\" points=\"\(point(x(first.t), bottom)) \(writable.joined(separator: " ")) \(point(x(last.t), bottom))\"><title>writable (Private_Dirty)</title></polygon>\n"
            svg += "<polygon fill=\"#92c5de\" points=\"\(rss.joined(separator: " ")) \(writable.reversed().joined(separator: " "))\"><title>rest of RSS</title></polygon>\n"
            svg += "<polyline fill=\"none\" stroke=\"#2166ac\" stroke-width=\"1\" points=\"\(rss.joined(separator: " "))\"/>\n"
        }
        svg += "<line x1=\"\(left)\" x2=\"\(left)\" y1=\"\(top)\" y2=\"\(bottom)\" stroke=\"#888\"/><line x1=\"\(left)\" x2=\"\(right)\" y1=\"\(bottom)\" y2=\"\(bottom)\" stroke=\"#888\"/>\n"
        // Event markers: a line and a dot in the marker row, the label on hover; steps labelled in text.
        var row = 0
        for event in timeline.events {
            let px = x(event.t), color = colors[event.kind] ?? "#999"
            let rowY = event.kind == .import ? 12.0 : event.kind == .collection ? 24.0 : 36.0
            svg += "<g class=\"marker \(event.kind.rawValue)\"><title>\(ByteFormat.formatDecimal(event.t, places: 2)) s: \(HTML.escape(TimelineReport.text(event)))</title>"
                + "<line x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(rowY))\" y2=\"\(f(event.fromT == nil ? top : bottom))\" stroke=\"\(color)\" stroke-width=\"1\" opacity=\"0.5\"/>"
                + "<circle cx=\"\(f(px))\" cy=\"\(f(rowY))\" r=\"4\" fill=\"\(color)\"/></g>\n"
            if event.kind == .growth || event.kind == .drop {
                let labelY = top + 14 + Double(row % 4) * 14
                row += 1
                let anchor = px > left + (right - left) * 0.7 ? "end" : "start"
                let text = event.label.count > 70 ? String(event.label.prefix(69)) + "…" : event.label
                svg += "<text x=\"\(f(px + (anchor == "end" ? -4 : 4)))\" y=\"\(f(labelY))\" text-anchor=\"\(anchor)\" style=\"fill:\(color)\">\(HTML.escape(text))</text>\n"
            }
        }
        svg += "<line id=\"cursor\" x1=\"0\" x2=\"0\" y1=\"\(top)\" y2=\"\(bottom)\" stroke=\"#000\" stroke-dasharray=\"3,3\" style=\"display:none\"/>\n"
        return svg + "</svg>\n"
    }

    static let legend = """
        <p class="legend"><span><i style="background:#f4a582"></i>writable</span><span><i style="background:#92c5de"></i>rest of RSS</span>\
        <span><i style="background:#1f77b4"></i>import</span><span><i style="background:#7f7f7f"></i>collections</span>\
        <span><i style="background:#d62728"></i>growth step</span><span><i style="background:#2ca02c"></i>drop</span>\
        <span><i style="background:#9467bd"></i>snapshot</span></p>

        """

    /// One growing type's objects per census, a small chart.
    static func smallMultiple(_ growth: Timeline.TypeGrowth) -> String {
        let w = 180.0, h = 70.0
        let maxCount = Double(max(growth.points.map(\.count).max() ?? 1, 1))
        let tMax = max(growth.points.last?.t ?? 1, 0.001), tMin = growth.points.first?.t ?? 0
        let points = growth.points.map { p -> String in
            let px = 4 + (w - 8) * (tMax > tMin ? (p.t - tMin) / (tMax - tMin) : 0)
            return "\(f(px)),\(f(h - 4 - (h - 24) * Double(p.count) / maxCount))"
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\">"
            + "<title>\(HTML.escape(growth.type)): +\(growth.growth) objects</title>"
            + "<text x=\"4\" y=\"12\">\(HTML.escape(growth.type.count > 28 ? String(growth.type.prefix(27)) + "…" : growth.type)) +\(growth.growth)</text>"
            + "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/></svg>\n"
    }

    /// At most `limit` samples, evenly picked (the last kept).
    static func thinned(_ samples: [TimelineSample], to limit: Int) -> [TimelineSample] {
        guard samples.count > limit else { return samples }
        let step = Double(samples.count - 1) / Double(limit - 1)
        return (0..<limit).map { samples[Int((Double($0) * step).rounded())] }
    }

    /// 1, 2 or 5 × a power of two's MiB multiple at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        var unit = 1_048_576.0
        while unit * 10 < value { unit *= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where unit * factor >= value { return unit * factor }
        return value
    }

    static func f(_ value: Double) -> String { ByteFormat.formatDecimal(value, places: 1) }
}
