import Foundation
import TestSupport
import Testing

/// `--help` of memlens and of every command, byte for byte: renaming the
/// command types or sharing their options must not change what users read.
@Suite("Help texts, golden")
struct HelpGoldenTests {
    static let commands = [
        "", "demo", "run", "snapshot", "summary", "retained", "paths", "referrers", "diff", "cycles", "dupes", "suspects",
        "footprint", "imports", "census", "gc", "alloc", "frag", "watch", "serve", "report", "export",
    ]

    @Test("memlens COMMAND --help", arguments: commands)
    func help(command: String) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "100"
        let arguments = [TestPaths.memlens] + (command.isEmpty ? [] : [command]) + ["--help"]
        let result = try runCommand(arguments, environment: environment)
        GoldenFile.check("status \(result.status)\n" + result.stdout + "--- stderr\n" + result.stderr,
                         "help/\(command.isEmpty ? "memlens" : command).txt")
    }
}
