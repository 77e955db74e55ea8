import Foundation
import Testing
import TestSupport

/// A target that builds some objects, prints its own gc.get_stats() collection
/// counts, then idles until stdin closes.
private let targetScript = """
    import gc, json, sys
    keep = [[i] for i in range(50000)]
    print(json.dumps([s["collections"] for s in gc.get_stats()]), flush=True)
    sys.stdin.read()
    """

@Suite(.serialized, .timeLimit(.minutes(4)))
struct ServeTests {
    /// Waits until `condition` holds on a scrape (polling), returning that scrape.
    func scrape(_ server: ServeProcess, until condition: (String) -> Bool, seconds: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var body = ""
        while Date() < deadline {
            body = try server.get().body
            if condition(body) { return body }
            Thread.sleep(forTimeInterval: 0.25)
        }
        return body
    }

    @Test func metricsOfEveryInterpreterPassPromtoolAndMatchTheirTruth() throws {
        // GIVEN one idle target per installed interpreter and a non-Python process.
        try #require(!PythonInterpreter.installed.isEmpty, "no pyenv CPython 3.8–3.13 found")
        let targets = try PythonInterpreter.installed.map { try WaitingTarget($0, arguments: ["-c", targetScript, "idle-target"]) }
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["300"]
        try sleeper.run()
        defer { sleeper.terminate() }
        let pids = targets.map(\.pid) + [sleeper.processIdentifier]

        // WHEN memlens serves them all, once each census has arrived.
        let server = try ServeProcess(["--census-every", "1s", "--top-types", "5", "--pid"] + pids.map(String.init))
        let body = try scrape(server) { text in
            targets.allSatisfy { t in samples("memlens_python_gc_objects", in: text).contains { $0.labels["pid"] == String(t.pid) } }
                && text.contains("reason=\"not_python\"")
        }

        // THEN promtool finds nothing to say.
        let file = try TestPaths.temporaryFolder("promtool").appending(path: "metrics.txt")
        try body.write(to: file, atomically: true, encoding: .utf8)
        let check = try runCommand(["/bin/sh", "-c", "promtool check metrics < '\(file.path)'"])
        #expect(check.status == 0 && check.stdout.isEmpty && check.stderr.isEmpty, "\(check.stdout)\(check.stderr)")

        // AND each target's series carry its name and version and match its own figures.
        for (target, python) in zip(targets, PythonInterpreter.installed) {
            let pid = String(target.pid)
            let rss = samples("memlens_process_resident_memory_bytes", in: body).first { $0.labels["pid"] == pid }
            #expect(rss?.labels["name"] == "-c" && rss?.labels["python"] == python.version, "\(String(describing: rss))")
            let truth = try kernelRollup(target.pid)["Rss"] ?? 0
            #expect(abs((rss?.value ?? 0) - Double(truth)) <= 0.01 * Double(truth),
                "\(python): RSS \(String(describing: rss?.value)) vs \(truth)")
            let collections = try JSONDecoder().decode([Int].self, from: Data(target.firstLine.utf8))
            let exported = samples("memlens_python_gc_collections_total", in: body).filter { $0.labels["pid"] == pid }
                .sorted { $0.labels["generation"]! < $1.labels["generation"]! }.map { Int($0.value) }
            #expect(exported.count == 3 && zip(exported, collections).allSatisfy { $0 >= $1 }, "\(python): \(exported) vs \(collections)")
            let types = samples("memlens_python_type_objects", in: body).filter { $0.labels["pid"] == pid }
            #expect(types.count == 6 && types.contains { $0.labels["type"] == "other" }, "\(python): \(types.count) type series")
            #expect(types.first { $0.labels["type"] == "list" }.map { $0.value >= 50_000 } == true, "\(python): lists")
        }
        // AND the process that is not Python shows its memory and a census error.
        let sleeperUp = samples("memlens_target_up", in: body).first { $0.labels["pid"] == String(sleeper.processIdentifier) }
        #expect(sleeperUp?.value == 1 && sleeperUp?.labels["python"] == "unknown")
        #expect(try server.get("/").status == 404)
        #expect(try server.get("/metrics/x").status == 404)
        #expect(try server.get("/debug").status == 404)
        targets.forEach { $0.finish() }
    }

    @Test func exitedProcessesDisappearAndNewMatchesAppear() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv CPython 3.8–3.13 found")
        let token = "memlens-churn-\(UUID().uuidString.prefix(8))"
        // GIVEN a matching target.
        let first = try WaitingTarget(python, arguments: ["-c", targetScript, token])
        let server = try ServeProcess(["--match", token, "--census-every", "1s"])
        func pids(_ text: String) -> Set<String> {
            Set(samples("memlens_process_resident_memory_bytes", in: text).compactMap { $0.labels["pid"] })
        }
        #expect(pids(try scrape(server) { pids($0) == [String(first.pid)] }) == [String(first.pid)])
        _ = try scrape(server) { $0.contains("memlens_python_gc_objects{pid=\"\(first.pid)\"") }

        // WHEN it exits, THEN none of its series remain.
        first.finish()
        let afterExit = try scrape(server) { !$0.contains("pid=\"\(first.pid)\"") }
        #expect(!afterExit.contains("pid=\"\(first.pid)\""), "series of an exited process remain")

        // WHEN a new matching process starts, THEN it appears.
        let second = try WaitingTarget(python, arguments: ["-c", targetScript, token])
        #expect(pids(try scrape(server) { pids($0) == [String(second.pid)] }) == [String(second.pid)])
        second.finish()
    }

    @Test(.enabled(if: getuid() == 0, "needs root: the server runs as nobody against root's target"))
    func aProcessItMayNotReadIsAnErrorMetricNotAFailedScrape() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv CPython 3.8–3.13 found")
        // GIVEN root's target, and memlens serving as user nobody.
        let target = try WaitingTarget(python, arguments: ["-c", targetScript, "root-owned"])
        let server = try ServeProcess(["--census-every", "1s", "--pid", String(target.pid)], asNobody: true)
        // WHEN it is scraped (after a census was tried), THEN the scrape succeeds and says why.
        let pid = "pid=\"\(target.pid)\""
        let body = try scrape(server) { $0.contains("source=\"census\"") }
        let up = samples("memlens_target_up", in: body).first { $0.labels["pid"] == String(target.pid) }
        #expect(up?.value == 0)
        let errors = samples("memlens_target_read_error", in: body).filter { $0.labels["pid"] == String(target.pid) }
        #expect(errors.contains { $0.labels["source"] == "memory" && $0.labels["reason"] == "permission_denied" }, "\(errors)")
        #expect(errors.contains { $0.labels["source"] == "census" && $0.labels["reason"] == "permission_denied" }, "\(errors)")
        #expect(!body.contains("memlens_process_resident_memory_bytes{\(pid)"))
        target.finish()
    }

    @Test(.timeLimit(.minutes(3))) func prometheusScrapesThreeTargetsForThirtySeconds() throws {
        let pythons = PythonInterpreter.installed
        try #require(!pythons.isEmpty, "no pyenv CPython 3.8–3.13 found")
        // GIVEN three idle targets, memlens serving them, and a Prometheus scraping it every second.
        let targets = try (0..<3).map { i in try WaitingTarget(pythons[i % pythons.count], arguments: ["-c", targetScript, "t\(i)"]) }
        let server = try ServeProcess(["--census-every", "5s", "--pid"] + targets.map { String($0.pid) })
        let folder = try TestPaths.temporaryFolder("prometheus")
        let config = """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: memlens
                static_configs: [{targets: ['127.0.0.1:\(server.port)']}]
            """
        try config.write(to: folder.appending(path: "prometheus.yml"), atomically: true, encoding: .utf8)
        let apiPort = freePort()
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = ["--config.file=\(folder.path)/prometheus.yml", "--storage.tsdb.path=\(folder.path)/data",
                                "--web.listen-address=127.0.0.1:\(apiPort)"]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle.nullDevice
        try prometheus.run()
        defer { prometheus.terminate(); prometheus.waitUntilExit() }

        // WHEN it has scraped for 30 s.
        Thread.sleep(forTimeInterval: 30)

        // THEN its API's RSS of each target equals smaps_rollup within 1%, and every scrape succeeded.
        let query = "memlens_process_resident_memory_bytes"
        let response = try httpGet("http://127.0.0.1:\(apiPort)/api/v1/query?query=\(query)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
        let results = ((json["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
        for target in targets {
            let row = results.first { ($0["metric"] as? [String: String])?["pid"] == String(target.pid) }
            let value = ((row?["value"] as? [Any])?.last as? String).flatMap(Double.init)
            let truth = Double(try kernelRollup(target.pid)["Rss"] ?? 0)
            #expect(value.map { abs($0 - truth) <= 0.01 * truth } == true,
                "pid \(target.pid): Prometheus \(String(describing: value)) vs smaps_rollup \(truth)")
        }
        let up = try httpGet("http://127.0.0.1:\(apiPort)/api/v1/query?query=min_over_time(up%5B30s%5D)")
        #expect(up.body.contains("\"1\""), "a scrape failed: \(up.body)")
        let count = try httpGet("http://127.0.0.1:\(apiPort)/api/v1/query?query=count_over_time(up%5B30s%5D)")
        #expect(!count.body.contains("\"result\":[]"), "no scrapes: \(count.body)")
        targets.forEach { $0.finish() }
    }
}
