import Foundation
import Testing
import TestSupport

/// The package's layers, read from the source: every `import` of every
/// `Sources/<target>` file must be an arrow this table allows. A new arrow is
/// a design decision: add it here, in the same change, and say why.
@Suite("Layers: which target may import which")
struct LayerTests {
    /// Modules any target may import: the platform and swift-system.
    static let platform: Set<String> = ["Foundation", "Glibc", "Dispatch", "SystemPackage"]

    /// Targets that read or change a live process: stop it, copy or write its
    /// memory, run code in it. (ProcFS only reads `/proc` text files; its
    /// models are what reports render.)
    static let liveProcess: Set<String> = ["CProcessAccess", "PythonProcess", "Agent"]

    /// Libraries: every target but the CLI and the build tools.
    static let libraries: Set<String> = [
        "SafeFiles", "HeapGraph", "HeapAnalysis", "ProcFS", "ProcessModels", "Fragmentation", "CProcessAccess",
        "PythonProcess", "Reports", "Agent", "Timeline", "Exporter",
    ]

    /// The allowed arrows, target → the project targets and packages it may import.
    static let allowed: [String: Set<String>] = [
        // ProcFS's paths: a process's /tmp is opened through /proc/PID/root (ProcFS imports no project target).
        "SafeFiles": ["ProcFS"],
        "ProcessModels": [],
        "CProcessAccess": [],
        "HeapGraph": ["SafeFiles"],
        "HeapAnalysis": ["HeapGraph", "ProcessModels"],
        "ProcFS": [],
        // the read-only snapshot builds the graph; cores and ELF files are opened as regular files only (SafeFiles);
        // the arena and glibc heap walks fill Fragmentation's values.
        "PythonProcess": ["CProcessAccess", "ProcFS", "ProcessModels", "HeapGraph", "SafeFiles", "Fragmentation"],
        // Fragmentation: values and analysis only (the memory account, pinning, advice, the arena map);
        // PythonProcess reads them out of a stopped process.
        "Fragmentation": ["ProcFS", "ProcessModels"],
        // Reports renders HeapAnalysis/ProcFS/ProcessModels values and Fragmentation's
        // FragAnalysis, ArenaMap and MallocStats; it writes its files through SafeFiles' one writer.
        "Reports": ["HeapGraph", "HeapAnalysis", "ProcFS", "ProcessModels", "Fragmentation", "SafeFiles"],
        // watch's sampler (live reads); the timeline model it fills (and Reports renders) is in ProcessModels.
        "Timeline": ["ProcFS", "PythonProcess", "Fragmentation", "ProcessModels"],
        // serve: Prometheus exposition over HTTP, fed by /proc and the census.
        // HummingbirdCore: the HTTP1 idle timeout and the connection cap (serve)
        "Exporter": ["ProcFS", "PythonProcess", "Fragmentation", "ProcessModels", "Hummingbird", "HummingbirdCore", "Prometheus",
                     "NIOCore"],
        // Agent runs commands (footprint's stop reads /proc stat) and decodes the agent's documents.
        // CDispatch: timespec's initializers, once NIO is in the build (footprint's launcher).
        "Agent": ["PythonProcess", "ProcFS", "ProcessModels", "SafeFiles", "CDispatch"],
        "EmbedAgentTool": [],
        "memlens": [
            "ArgumentParser", "Agent", "Fragmentation", "HeapAnalysis", "HeapGraph", "ProcFS", "ProcessModels",
            "PythonProcess", "Reports", "SafeFiles", "Exporter", "Timeline",
        ],
    ]

    /// Each target's imports, read from its Swift files (outside multi-line string literals).
    static func imports() throws -> [String: Set<String>] {
        let sources = TestPaths.packageRoot.appending(path: "Sources")
        var result: [String: Set<String>] = [:]
        for target in try FileManager.default.contentsOfDirectory(atPath: sources.path) where !target.hasPrefix(".") {
            var modules: Set<String> = []
            let folder = sources.appending(path: target)
            for case let file as String in FileManager.default.enumerator(atPath: folder.path) ?? .init() where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appending(path: file), encoding: .utf8)
                modules.formUnion(importedModules(text))
            }
            result[target] = modules
        }
        return result
    }

    /// Modules named by `import` lines of `source`: `import X`, `public import X`,
    /// `@_exported public import X`, `import struct X.Y`; not inside `"""` strings.
    static func importedModules(_ source: String) -> Set<String> {
        var modules: Set<String> = []
        var inString = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(separator: " ").filter { !$0.isEmpty }
            if line.components(separatedBy: "\"\"\"").count % 2 == 0 { inString.toggle(); continue }
            guard !inString, let at = words.firstIndex(of: "import") else { continue }
            let before = words[..<at]
            guard before.allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal", "private", "fileprivate"].contains($0) }),
                  at + 1 < words.count else { continue }
            let kinds: Set<Substring> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let"]
            let path = kinds.contains(words[at + 1]) && at + 2 < words.count ? words[at + 2] : words[at + 1]
            modules.insert(String(path.split(separator: ".")[0]))
        }
        return modules
    }

    @Test("Every target's imports are arrows the table allows")
    func everyImportIsAllowed() throws {
        let found = try Self.imports()
        #expect(Set(found.keys) == Set(Self.allowed.keys), "a target is missing from the table (or gone): add it with its arrows")
        for (target, modules) in found.sorted(by: { $0.key < $1.key }) {
            let allowed = (Self.allowed[target] ?? []).union(Self.platform).union([target])
            let forbidden = modules.subtracting(allowed)
            #expect(forbidden.isEmpty, "\(target) imports \(forbidden.sorted()): not an allowed arrow (LayerTests.allowed)")
        }
    }

    @Test("The table keeps the rules: libraries never parse arguments, analysis and rendering never touch a live process")
    func tableKeepsTheRules() {
        for library in Self.libraries {
            #expect(!(Self.allowed[library] ?? []).contains("ArgumentParser"), "\(library) may not import ArgumentParser")
        }
        #expect((Self.allowed["HeapAnalysis"] ?? []).isDisjoint(with: Self.liveProcess))
        #expect((Self.allowed["Reports"] ?? []).isDisjoint(with: Self.liveProcess))
        #expect((Self.allowed["ProcessModels"] ?? []).isEmpty)
    }

    /// Targets whose whole closure (what they link) must stay clear of a live process.
    static let offline: Set<String> = ["ProcessModels", "ProcFS", "SafeFiles", "HeapGraph", "HeapAnalysis", "Fragmentation", "Reports"]

    /// Each target's dependencies as Package.swift declares them (`swift package dump-package`): what it links.
    static func declaredDependencies() throws -> [String: Set<String>] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch folder of its own: the package's `.build` is locked by the `swift test` running this.
        let scratch = FileManager.default.temporaryDirectory.appending(path: "memlens-dump-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        process.arguments = ["swift", "package", "--scratch-path", scratch.path, "dump-package",
                             "--package-path", TestPaths.packageRoot.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Each dependency is {"byName"|"target"|"product": [name, …]}.
        let package = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        var result: [String: Set<String>] = [:]
        for case let target as [String: Any] in package?["targets"] as? [Any] ?? [] {
            guard let name = target["name"] as? String, ["regular", "executable"].contains(target["type"] as? String) else { continue }
            let dependencies = target["dependencies"] as? [[String: Any]] ?? []
            result[name] = Set(dependencies.compactMap { ($0.values.first as? [Any])?.first as? String })
        }
        return result
    }

    /// Everything `target` reaches through `arrows`, itself excluded.
    static func closure(of target: String, _ arrows: [String: Set<String>]) -> Set<String> {
        var seen: Set<String> = []
        var queue = Array(arrows[target] ?? [])
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            queue.append(contentsOf: arrows[next] ?? [])
        }
        return seen
    }

    @Test("What analysis and rendering link, transitively, never reaches a live process (imports and Package.swift)")
    func offlineClosureStaysOffline() throws {
        let declared = try Self.declaredDependencies()
        #expect(declared["Reports"] != nil, "dump-package named no Reports target")
        let imported = try Self.imports()
        for target in Self.offline.sorted() {
            for (what, arrows) in [("imports", imported), ("Package.swift", declared), ("the table", Self.allowed)] {
                let reached = Self.closure(of: target, arrows).intersection(Self.liveProcess)
                #expect(reached.isEmpty, "\(target) reaches \(reached.sorted()) through \(what)")
            }
        }
        for (target, dependencies) in declared where Self.allowed[target] != nil {
            let extra = dependencies.subtracting(Self.allowed[target] ?? []).subtracting(Self.platform)
                .subtracting(["ArgumentParser", "Hummingbird", "HummingbirdCore", "Prometheus", "NIOCore"])
            #expect(extra.isEmpty, "Package.swift gives \(target) \(extra.sorted()), which the table does not allow")
        }
    }

    @Test("The import reader sees every form and skips string literals")
    func readsImports() {
        let source = """
            import Foundation
            @_exported public import ProcessModels
            internal import struct HeapGraph.HeapGraph
            let script = \"\"\"
            import os
            \"\"\"
            // import Commented
            """
        #expect(Self.importedModules(source) == ["Foundation", "ProcessModels", "HeapGraph"])
    }
}
