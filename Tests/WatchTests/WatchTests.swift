import Foundation
import Testing
import TestSupport

/// Seed 004's scenario (Fixtures/seed004.py), watched by pid and as `-- CMD`.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct WatchTests {
    static let fixture = TestPaths.packageRoot.appending(path: "Tests/WatchTests/Fixtures/seed004.py").path

    /// What the target measured itself and what the watch wrote.
    struct Run {
        var truth: [String: Double]
        var events: [[String: Any]]
        var html: String
        var htmlPath: URL
        var stderr: String
    }

    /// Runs the scenario on `python`, watched by pid or launched by `watch -- CMD`.
    func watchScenario(_ python: PythonInterpreter, byPID: Bool) throws -> Run {
        let folder = try TestPaths.temporaryFolder("watch")
        try Data("DATA = b\"\\x01\" * (50 * 1024 * 1024)\n".utf8).write(to: folder.appending(path: "big50.py"))
        let truthPath = folder.appending(path: "truth.json").path, go = folder.appending(path: "go").path
        let html = folder.appending(path: "timeline.html"), jsonl = folder.appending(path: "samples.jsonl")
        let options = ["--interval", "10ms", "--census-every", "1s", "-o", html.path, "--jsonl", jsonl.path]
        let result: CommandResult
        if byPID {
            // GIVEN a target that waits for the watch to start.
            let target = Process()
            target.executableURL = URL(fileURLWithPath: python.path)
            target.arguments = [Self.fixture, truthPath, folder.path, go, "1.5"]
            try target.run()
            DispatchQueue.global().asyncAfter(deadline: .now() + 1.0) { FileManager.default.createFile(atPath: go, contents: nil) }
            result = try runCommand([TestPaths.memlens, "watch", String(target.processIdentifier)] + options, timeoutSeconds: 120)
            target.waitUntilExit()
        } else {
            result = try runCommand([TestPaths.memlens, "watch"] + options + ["--", python.path, Self.fixture, truthPath, folder.path, "-", "1.5"],
                                    timeoutSeconds: 120)
        }
        #expect(result.status == 0, "\(result.stderr)")
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: truthPath))) as? [String: Double] ?? [:]
        let lines = try String(contentsOf: jsonl, encoding: .utf8).split(separator: "\n")
        let records = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(records.count == lines.count && records.first?["record"] as? String == "start")
        return Run(truth: truth, events: records.filter { $0["record"] as? String == "event" },
                   html: try String(contentsOf: html, encoding: .utf8), htmlPath: html, stderr: result.stderr)
    }

    func checkTimeline(_ run: Run, _ python: PythonInterpreter) throws {
        // (a) the xml.dom.minidom import.
        #expect(run.events.contains { $0["kind"] as? String == "import" && $0["label"] as? String == "import xml.dom.minidom" },
                "\(python): no import event for xml.dom.minidom")
        // (b) a writable step within 10% of the target's own smaps_rollup difference, with a stack through parse_registry.
        let parse = (run.truth["parse_after"] ?? 0) - (run.truth["parse_before"] ?? 0)
        #expect((run.truth["xml_bytes"] ?? 0) > 110_000 && parse > 1_000_000, "\(python): \(run.truth)")
        let growth = run.events.filter { $0["kind"] as? String == "growth" }
        let parseStep = growth.first { event in
            let stacks = event["stacks"] as? [[[String: Any]]] ?? []
            return stacks.contains { $0.contains { $0["function"] as? String == "parse_registry" } }
        }
        // The frame's line is the line being run (each version's line table read right).
        let fixtureLines = try String(contentsOfFile: Self.fixture, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let parseLine = (fixtureLines.firstIndex { $0.contains("return xml.dom.minidom.parseString(text)") } ?? -1) + 1
        let frames = (parseStep?["stacks"] as? [[[String: Any]]] ?? []).flatMap { $0 }.filter { $0["function"] as? String == "parse_registry" }
        #expect(!frames.isEmpty && frames.allSatisfy { ($0["line"] as? Int) == parseLine }, "\(python): parse_registry frames \(frames), line \(parseLine)")
        let bytes = (parseStep?["bytes"] as? Double) ?? 0
        #expect(abs(bytes - parse) <= 0.1 * parse, "\(python): parse step \(bytes) vs the target's \(parse); steps: \(growth.map { $0["label"] ?? "" })")
        // (c) the 50 MiB module's step, labelled with its name.
        let moduleStep = growth.first { ($0["label"] as? String)?.contains("big50") == true }
        #expect(((moduleStep?["bytes"] as? Double) ?? 0) >= 45 * 1_048_576, "\(python): \(growth.map { $0["label"] ?? "" })")
        // The page: self-contained, the step labels in its SVG text (readable with scripts off).
        #expect(externalReferences(inHTML: run.html).isEmpty)
        #expect(run.html.contains("<svg") && run.html.contains("big50"))
    }

    @Test(arguments: PythonInterpreter.installed)
    func seed004ByPID(_ python: PythonInterpreter) throws {
        try checkTimeline(try watchScenario(python, byPID: true), python)
    }

    @Test(arguments: PythonInterpreter.installed)
    func seed004UnderCommand(_ python: PythonInterpreter) throws {
        try checkTimeline(try watchScenario(python, byPID: false), python)
    }

    @Test func someInterpreterIsInstalled() {
        #expect(!PythonInterpreter.installed.isEmpty, "no pyenv CPython 3.8–3.13 found: the scenario tests ran on nothing")
    }

    @Test func timelinePageLoadsInChromiumWithoutConsoleErrors() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv CPython 3.8–3.13 found")
        let run = try watchScenario(python, byPID: false)
        let shot = run.htmlPath.deletingLastPathComponent().appending(path: "timeline.png")
        let page = try HeadlessChromium.load(run.htmlPath, screenshot: shot)
        #expect(page.console.isEmpty, "\(page.console)")
        #expect(page.dom.contains("id=\"chart\""))
        #expect(FileManager.default.fileExists(atPath: shot.path), "no screenshot: \(page.log.suffix(2000))")
        print("timeline screenshot: \(shot.path)")
    }

    @Test func aSnapshotTakenUnderCommandIsMarked() throws {
        let python = try #require(PythonInterpreter.installed.last, "no pyenv CPython 3.8–3.13 found")
        let folder = try TestPaths.temporaryFolder("watch-snapshot")
        let jsonl = folder.appending(path: "s.jsonl")
        // GIVEN a program that asks the agent for a snapshot (SIGUSR2, as a user's kill would).
        let script = "import os, signal, time; keep = [[i] for i in range(1000)]; time.sleep(0.5); os.kill(os.getpid(), signal.SIGUSR2); time.sleep(1.5)"
        let result = try runCommand([TestPaths.memlens, "watch", "--interval", "20ms", "-o", folder.appending(path: "t.html").path,
                                     "--jsonl", jsonl.path, "--", python.path, "-c", script], timeoutSeconds: 120)
        #expect(result.status == 0, "\(result.stderr)")
        // THEN the timeline marks it, naming the file.
        let text = try String(contentsOf: jsonl, encoding: .utf8)
        let snapshots = text.split(separator: "\n").filter { $0.contains("\"kind\":\"snapshot\"") }
        #expect(snapshots.count == 1 && snapshots.first?.contains(".mlh") == true, "\(result.stderr)")
    }

    @Test func badArgumentsAreUsageErrors() throws {
        for arguments in [["watch", "-o", "x.html"], ["watch", "1", "-o", "x.html", "--", "python3"],
                          ["watch", "1", "-o", "x.html", "--interval", "0"], ["watch", "1", "-o", "x.html", "--census-every", "1ms"]] {
            let result = try runCommand([TestPaths.memlens] + arguments)
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
        }
        let gone = try runCommand([TestPaths.memlens, "watch", "999999999", "-o", "/tmp/never.html"])
        #expect(gone.status == 1 && gone.stderr.hasPrefix("error: no process with pid 999999999"), "\(gone.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.html"))
    }
}
