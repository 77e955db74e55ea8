import Foundation
import HeapGraph
import Reports
import Testing
import TestSupport

@Suite("HTML report in a real browser", .serialized)
struct ReportTests {
    @Test("The report opens from file:// in headless Chromium with no console message, and its largest rectangle is the largest retainer",
          .needsPython)
    func reportInChromium() throws {
        // GIVEN a snapshot of the leaked-thing target and its report
        let (mlh, folder, _) = try leakedThingSnapshotFile(label: "report")
        let page = folder.appending(path: "report.html")
        let result = try runCommand([TestPaths.memlens, "report", mlh, "-o", page.path])
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == page.path + "\n")
        #expect(try FileManager.default.attributesOfItem(atPath: page.path)[.posixPermissions] as? Int == 0o600)
        let html = try String(contentsOf: page, encoding: .utf8)

        // THEN it refers to nothing outside itself
        #expect(externalReferences(inHTML: html) == [])

        // AND the largest rectangle of the treemap is the object with the largest retained size, at that size
        struct Row: Decodable { var address: String; var retained: UInt64 }
        let top = try runCommand([TestPaths.memlens, "retained", mlh, "--top", "1", "--json"])
        let largest = try #require(try JSONDecoder().decode([String: [Row]].self, from: Data(top.stdout.utf8))["objects"]?.first)
        let cells = outerCells(html)
        let biggest = try #require(cells.max { $0.area < $1.area })
        #expect(biggest.address == largest.address)
        #expect(biggest.size == largest.retained)

        // AND Chromium, with the network cut off, runs its script with no console message or exception
        let screenshot = folder.appending(path: "report.png")
        let load = try HeadlessChromium.load(page, screenshot: screenshot)
        #expect(load.console == [], "\(load.console)")
        #expect(load.dom.contains("id=\"treemap-svg\""), "\(load.log.suffix(2000))")
        #expect(!svgPart(load.dom).contains("<title>"), "the script replaces the SVG titles with its tooltip")
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        print("report screenshot: \(screenshot.path)")

        // AND zooming into the largest group (a link to it) draws its types with a two-step breadcrumb
        let zoomed = try HeadlessChromium.load(page, fragment: "node=\(biggest.node)")
        #expect(zoomed.console == [], "\(zoomed.console)")
        let crumbs = zoomed.dom.components(separatedBy: "id=\"treemap-crumbs\"").last?.components(separatedBy: "</div>").first ?? ""
        #expect(crumbs.components(separatedBy: "<button").count - 1 == 2, "\(crumbs)")
        let zoomedCells = outerCells(zoomed.dom)
        #expect(!zoomedCells.isEmpty)
        #expect(zoomedCells.allSatisfy { $0.node != biggest.node })
        #expect(zoomedCells.reduce(0) { $0 + $1.size } == biggest.size, "a group's types add up to the group")
    }

    @Test("Two snapshots around the leak: the growth chart's top type is LeakedThing, +12,345", arguments: PythonInterpreter.installed)
    func growthReport(python: PythonInterpreter) throws {
        // GIVEN snapshots before and after the leaked-thing target builds its 12,345 LeakedThings
        let folder = try TestPaths.temporaryFolder("report-growth-\(python.minor)")
        let run = try runCommand([TestPaths.memlens, "run", "-o", folder.path, "--", python.path, try fixture("leaked_thing.py"),
                                  folder.appending(path: "truth.json").path, "growth"])
        let snapshots = reportedSnapshots(run.stderr)
        try #require(snapshots.count == 2, "\(run.stderr)")

        // WHEN memlens reports on the pair
        let page = folder.appending(path: "growth.html")
        let result = try runCommand([TestPaths.memlens, "report", snapshots[0], snapshots[1], "-o", page.path, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        struct Growth: Decodable { var type: String; var count_delta: Int }
        struct Document: Decodable { var growth: [Growth]? }
        let document = try JSONDecoder().decode(Document.self, from: Data(result.stdout.utf8))

        // THEN the top of the growth chart is LeakedThing with exactly 12,345 more
        let first = try #require(document.growth?.first)
        #expect(first.type == "__main__.LeakedThing")
        #expect(first.count_delta == 12_345)
        let html = try String(contentsOf: page, encoding: .utf8)
        let chart = try #require(html.components(separatedBy: "id=\"growth-chart\"").last)
        let firstBar = try #require(chart.components(separatedBy: "<g class=\"growth-bar\"").dropFirst().first)
        #expect(firstBar.hasPrefix(" data-type=\"__main__.LeakedThing\" data-count-delta=\"12345\""))
        #expect(firstBar.contains(">+12,345 · "))
        #expect(html.contains("New objects that survived"))
        #expect(externalReferences(inHTML: html) == [])

        // AND the page loads cleanly too
        let screenshot = folder.appending(path: "growth.png")
        let load = try HeadlessChromium.load(page, screenshot: screenshot)
        #expect(load.console == [], "\(load.console)")
        print("growth report screenshot (\(python)): \(screenshot.path)")
    }

    /// A read-only snapshot's composition bar sets apart the objects that own buffers.
    @Test("Composition: a 64 MiB bytearray, a 32 MiB array.array and a BytesIO own buffers, within 0.1% of sys.getsizeof", .needsPython)
    func bufferOwnersInComposition() throws {
        // GIVEN a target holding three objects that own buffers, and what sys.getsizeof says of them
        let python = try #require(PythonInterpreter.installed.last, "no pyenv Python 3.8–3.13 found")
        let target = try WaitingTarget(python, script: "import array, io, sys; b = bytearray(64 << 20); "
            + "a = array.array('d', bytes(32 << 20)); f = io.BytesIO(); f.write(b'x' * (8 << 20)); "
            + "print(sys.getsizeof(b) + sys.getsizeof(a) + sys.getsizeof(f), flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let truth = try #require(UInt64(target.firstLine), "\(target.firstLine)")
        let folder = try TestPaths.temporaryFolder("report-owners")
        let mlh = folder.appending(path: "owners.mlh").path, page = folder.appending(path: "owners.html")

        // WHEN memlens snapshots it read-only and reports on the snapshot
        let snapshot = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", mlh])
        try #require(snapshot.status == 0, "\(snapshot.stderr)")
        let report = try runCommand([TestPaths.memlens, "report", mlh, "-o", page.path])
        try #require(report.status == 0, "\(report.stderr)")

        // THEN the snapshot's figure is the three objects' sizes (nothing else here owns a buffer of a page or more)
        let graph = try SnapshotLoader.load(path: mlh)
        let owners = try #require(graph.metadata.bufferOwnerBytes)
        #expect(owners >= truth && Double(owners - truth) <= Double(truth) * 0.001, "buffer owners \(owners), truth \(truth)")
        // AND the bar has its own segment for them, titled with that size, before the other objects and the rest
        let load = try HeadlessChromium.load(page)
        #expect(load.console == [], "\(load.console)")
        let bar = try #require(load.dom.components(separatedBy: "<div class=\"bar\"").dropFirst().first?
            .components(separatedBy: "</div>").first)
        let classes = bar.components(separatedBy: "<span class=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(classes == ["owned", "live", "other"], "\(bar)")
        #expect(bar.contains("their buffers included \(ByteFormat.string(owners))\""), "\(bar)")
        print("composition bar: buffer owners \(owners) bytes, sys.getsizeof \(truth)")
    }

    @Test("Hostile type names and strings from the target stay text: no markup, no way out of the JSON block", .needsPython)
    func hostileNames() throws {
        // GIVEN a target whose class name and dict keys are markup
        let python = try #require(PythonInterpreter.installed.last, "no pyenv Python 3.8–3.13 found")
        let folder = try TestPaths.temporaryFolder("report-hostile")
        let hostile = "</script><img src=x onerror=alert(1)><script>throw 1</script>"
        let script = """
            Evil = type(\(hostileLiteral(hostile)), (), {})
            keep = [Evil() for _ in range(20000)]
            table = {\(hostileLiteral(hostile)) + str(i): [i] * 50 for i in range(200)}
            """
        let run = try runCommand([TestPaths.memlens, "run", "--snapshot-at-exit", "-o", folder.path, "--", python.path, "-c", script])
        let snapshot = try #require(reportedSnapshots(run.stderr).first, "\(run.stderr)")
        let page = folder.appending(path: "hostile.html")
        let result = try runCommand([TestPaths.memlens, "report", snapshot, "-o", page.path])
        try #require(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOf: page, encoding: .utf8)

        // THEN the raw markup appears nowhere, only escaped, and nothing external is referred to
        #expect(!html.contains(hostile))
        #expect(html.contains("&lt;/script&gt;&lt;img src=x"))
        #expect(externalReferences(inHTML: html) == [])
        // AND in the browser, after the script drew a zoomed view from the JSON, there is no img element and no error
        let load = try HeadlessChromium.load(page, fragment: "node=1")
        #expect(load.console == [], "\(load.console)")
        #expect(!load.dom.contains("<img"))
        #expect(load.dom.contains("treemap-crumbs"))
    }

    func hostileLiteral(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "\\'") + "'" }

    @Test("The self-containment scan finds external references in tags and styles, not in text or scripts")
    func escaping() throws {
        #expect(externalReferences(inHTML: "<p>a src=x and url(http://e) in text</p><script>var u = 'http://e';</script>") == [])
        #expect(externalReferences(inHTML: "<img src=\"http://e/x.png\">").count == 1)
        #expect(externalReferences(inHTML: "<a href=\"#types\">t</a><a href='https://e'>e</a>").count == 1)
        #expect(externalReferences(inHTML: "<style>@import 'x.css'; a{background:url(https://e/i.png)} b{fill:url(#g)}</style>").count == 2)
        #expect(externalReferences(inHTML: "<div style=\"background:url('//e/i')\"></div><script src=\"app.js\"></script>").count == 2)
    }

    struct Cell { var node: Int; var area: Double; var address: String?; var size: UInt64 }

    /// The treemap's top-level rectangles as drawn (`<g class="cell outer" …><rect x y width height>`).
    func outerCells(_ html: String) -> [Cell] {
        svgPart(html).components(separatedBy: "<g class=\"cell outer\"").dropFirst().compactMap { chunk in
            func attribute(_ name: String) -> String? {
                guard let start = chunk.range(of: " \(name)=\"") else { return nil }
                return String(chunk[start.upperBound...].prefix { $0 != "\"" })
            }
            guard let node = attribute("data-node").flatMap(Int.init), let size = attribute("data-size").flatMap(UInt64.init),
                  let width = attribute("width").flatMap(Double.init), let height = attribute("height").flatMap(Double.init)
            else { return nil }
            return Cell(node: node, area: width * height, address: attribute("data-address"), size: size)
        }
    }

    func svgPart(_ html: String) -> String {
        html.components(separatedBy: "id=\"treemap-svg\"").last?.components(separatedBy: "</svg>").first ?? ""
    }
}
