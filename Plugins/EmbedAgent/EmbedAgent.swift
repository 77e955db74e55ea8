import Foundation
import PackagePlugin

/// Embeds the Python agent (`python/memlens/*.py`, the importable package; `python/target/*.py`,
/// the files run inside a target) and the bundled examples (`python/examples/*.py`) into
/// the `Agent` target as Swift string literals, so the `memlens` binary needs no
/// `pip install` and no resource bundle.
@main
struct EmbedAgent: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let python = context.package.directoryURL.appending(path: "python")
        let folders = ["memlens", "target", "examples"]
        var inputs: [URL] = []
        for folder in folders {
            let dir = python.appending(path: folder)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            inputs += names.filter { $0.hasSuffix(".py") }.sorted().map { dir.appending(path: $0) }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPython.swift")
        return [
            .buildCommand(
                displayName: "Embedding the Python agent",
                executable: try context.tool(named: "EmbedAgentTool").url,
                arguments: [python.path, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}
