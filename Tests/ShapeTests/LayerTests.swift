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
    /// models are what reports render. Fragmentation holds both its live
    /// arena reading and the models FragReport renders: see ``allowed``.)
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
        // the read-only snapshot builds the graph; cores and ELF files are opened as regular files only (SafeFiles)
        "PythonProcess": ["CProcessAccess", "ProcFS", "ProcessModels", "HeapGraph", "SafeFiles"],
        // Fragmentation reads arenas out of a stopped process (PythonProcess) and is the
        // census's arena summary (CensusArenas), so it sits above PythonProcess.
        "Fragmentation": ["ProcFS", "PythonProcess"],
        // Reports renders HeapAnalysis/ProcFS/ProcessModels values and Fragmentation's
        // FragAnalysis, ArenaMap and MallocStats (models in a target that also reads live arenas).
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
        #expect((Self.allowed["HeapAnalysis"] ?? []).isDisjoint(with: Self.liveProcess.union(["Fragmentation"])))
        #expect((Self.allowed["Reports"] ?? []).isDisjoint(with: Self.liveProcess))
        #expect((Self.allowed["ProcessModels"] ?? []).isEmpty)
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
