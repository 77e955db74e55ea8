import Foundation
public import ProcessModels

/// `watch`'s outputs: the self-contained HTML page (server-side SVG, a small
/// script of our own, readable with scripts off), the JSONL stream and the
/// summary printed on stderr.
public enum TimelineReport {
    /// One line of the JSONL stream (newline included): `{"record":"start",…}`
    /// first, then `sample`, `census` and `event` records as the watch makes
    /// them (events the agent reports arrive with the next sample, so their
    /// `t` may be a little before the sample's), and `end` last.
    public static func jsonlLine(_ record: TimelineRecord) throws -> String {
        switch record {
        case .start(let timeline):
            try line("start", Header(pid: timeline.pid, command: timeline.command, python: timeline.python,
                                     intervalSeconds: timeline.intervalSeconds, censusEverySeconds: timeline.censusEverySeconds))
        case .sample(let sample): try line("sample", sample)
        case .census(let census): try line("census", census)
        case .event(let event): try line("event", event)
        }
    }

    /// The stream's last line.
    public static func jsonlEnd(_ timeline: Timeline) throws -> String {
        try line("end", End(ended: timeline.ended, python: timeline.python, samples: timeline.samples.count, notes: timeline.notes))
    }

    private static func line(_ kind: String, _ value: some Encodable) throws -> String {
        let body = try JSONOutput.string(value, layout: .slashesEscaped)
        return "{\"record\":\"\(kind)\"," + body.dropFirst() + "\n"
    }

    private struct Header: Encodable {
        var pid: Int32; var command: String; var python: String?; var intervalSeconds: Double; var censusEverySeconds: Double

        enum CodingKeys: String, CodingKey {
            case pid, command, python, intervalSeconds = "interval_seconds", censusEverySeconds = "census_every_seconds"
        }
    }
    private struct End: Encodable { var ended: String; var python: String?; var samples: Int; var notes: [String] }

    /// `watch --json`: the summary as one document.
    public static func summaryJSON(_ timeline: Timeline) throws -> String {
        try JSONOutput.string(TimelineSummary(timeline), layout: .pretty)
    }

    /// The summary for stderr when the watch stops.
    public static func summary(_ timeline: Timeline) -> String {
        let summary = TimelineSummary(timeline)
        var lines = ["memlens: watched pid \(summary.pid) for \(ByteFormat.formatDecimal(summary.durationSeconds, places: 1)) s "
            + "(\(summary.samples) samples, \(summary.censuses) censuses; \(summary.ended))"]
        if let rss = summary.rssBytes, let writable = summary.writableBytes {
            lines.append("  RSS \(ByteFormat.string(rss.first)) → \(ByteFormat.string(rss.last)) (peak \(ByteFormat.string(rss.peak))), "
                + "writable \(ByteFormat.string(writable.first)) → \(ByteFormat.string(writable.last)) (peak \(ByteFormat.string(writable.peak)))")
        }
        lines.append("  events: " + TimelineEvent.Kind.allCases.map { "\(summary.events[$0.rawValue] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        if summary.collectionsTimed > 0 || summary.importsTimed > 0 {
            lines.append("  agent: \(summary.importsTimed) imports timed; \(summary.collectionsTimed) collections, "
                + "\(ByteFormat.formatDecimal(summary.collectionPauseMilliseconds, places: 1)) ms paused in all (longest "
                + "\(ByteFormat.formatDecimal(summary.longestPauseMilliseconds, places: 2)) ms)")
        }
        for event in summary.steps {
            lines.append("  \(ByteFormat.formatDecimal(event.t, places: 2)) s  \(event.label)")
        }
        return lines.joined(separator: "\n")
    }

    /// An event's one line on the page: its label, and for an import the
    /// agent timed, the time and writable change.
    static func text(_ event: TimelineEvent) -> String {
        guard event.kind == .import, let ms = event.durationMilliseconds else { return event.label }
        let bytes = event.bytes.map { String(format: ", %+.2f MiB writable", Double($0) / 1_048_576) } ?? ""
        return event.label + " (" + ByteFormat.formatDecimal(ms, places: 2) + " ms" + bytes + ")"
    }

    /// The HTML page.
    public static func html(_ timeline: Timeline) throws -> String {
        let title = "memlens watch — pid \(timeline.pid)"
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            <style>\(style)</style></head><body>
            <h1>\(HTML.escape(title))</h1>
            <p class="meta">\(HTML.escape(timeline.command)) · Python \(HTML.escape(timeline.python ?? "not found")) ·
            \(ByteFormat.formatDecimal(timeline.durationSeconds, places: 1)) s, \(timeline.samples.count) samples every
            \(ByteFormat.formatDecimal(timeline.intervalSeconds * 1000, places: 0)) ms, \(timeline.censuses.count) censuses · ended: \(HTML.escape(timeline.ended))</p>
            <div id="readout" class="readout">Hover over the chart for values.</div>

            """
        page += TimelineSVG.chart(timeline)
        page += TimelineSVG.legend
        let grown = timeline.typesGrown()
        if !grown.isEmpty {
            page += "<h2>Types that grew most (objects, per census)</h2><div class=\"multiples\">"
            page += grown.map { TimelineSVG.smallMultiple($0) }.joined()
            page += "</div>\n"
        }
        page += eventsTable(timeline)
        let data = try JSONOutput.string(ChartData(t: timeline.samples.map(\.t), rss: timeline.samples.map(\.rssBytes),
                                                   writable: timeline.samples.map(\.writableBytes)))
        page += "<script type=\"application/json\" id=\"data\">\(HTML.escapeScript(data))</script>\n"
        page += "<script>\(script)</script>\n</body></html>\n"
        return page
    }

    private struct ChartData: Encodable { var t: [Double]; var rss: [UInt64]; var writable: [UInt64] }

    static func eventsTable(_ timeline: Timeline) -> String {
        guard !timeline.events.isEmpty else { return "<h2>Events</h2><p>None.</p>\n" }
        var html = "<h2>Events</h2><table class=\"events\"><thead><tr><th>time</th><th>kind</th><th>what</th><th>stack (innermost first)</th></tr></thead><tbody>\n"
        for event in timeline.events {
            let stacks = (event.stacks ?? []).map { stack in
                "<ol>" + stack.map { "<li>\(HTML.escape($0.function)) <span class=\"where\">\(HTML.escape($0.file)):\($0.line)</span></li>" }.joined() + "</ol>"
            }
            let stackCell = stacks.isEmpty ? "" : "<details><summary>\(stacks.count) stack\(stacks.count == 1 ? "" : "s")</summary>\(stacks.joined())</details>"
            html += "<tr class=\"\(event.kind.rawValue)\"><td>\(ByteFormat.formatDecimal(event.t, places: 2)) s</td><td>\(event.kind.rawValue)</td>"
                + "<td>\(HTML.escape(text(event)))</td><td>\(stackCell)</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
        .meta{color:#555}.readout{font-family:monospace;min-height:1.4em;color:#333}svg text{font:11px sans-serif;fill:#444}
        .events{border-collapse:collapse}.events td,.events th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        .events ol{margin:0;padding-left:1.5em}.where{color:#777}.multiples{display:flex;flex-wrap:wrap;gap:12px}
        .legend span{display:inline-block;margin-right:1em}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
        """

    /// Shows the sample under the pointer (the page reads fine without it).
    static let script = """
        (function(){var el=document.getElementById('data'),svg=document.getElementById('chart'),out=document.getElementById('readout');
        if(!el||!svg||!out)return;var d=JSON.parse(el.textContent);var line=document.getElementById('cursor');
        var x0=+svg.getAttribute('data-x0'),x1=+svg.getAttribute('data-x1'),t1=+svg.getAttribute('data-t1')||1;
        function mib(b){return (b/1048576).toFixed(1)+' MiB';}
        svg.addEventListener('mousemove',function(e){var r=svg.getBoundingClientRect();var vb=svg.viewBox.baseVal;
        var x=(e.clientX-r.left)*vb.width/r.width;var t=(x-x0)/(x1-x0)*t1;if(t<0||t>t1||!d.t.length)return;
        var i=0;while(i<d.t.length-1&&d.t[i+1]<=t)i++;line.setAttribute('x1',x);line.setAttribute('x2',x);line.style.display='';
        out.textContent=d.t[i].toFixed(2)+' s  RSS '+mib(d.rss[i])+'  writable '+mib(d.writable[i]);});
        svg.addEventListener('mouseleave',function(){line.style.display='none';});})();
        """
}

/// Escaping for text and attributes, and for JSON inside a script element.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// JSON in `<script type="application/json">`: no `</` can close it.
    static func escapeScript(_ json: String) -> String { json.replacingOccurrences(of: "</", with: "<\\/") }
}
