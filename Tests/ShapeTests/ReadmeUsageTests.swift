import Foundation
import Testing
import TestSupport

/// The README's Commands section names each command's form in a heading
/// (`memlens footprint PID [--by kind|library|mapping]`): every option it
/// writes must be one the command's `--help` lists, given a value exactly when
/// `--help` says the option takes one (a form a new user pastes must parse).
@Suite("The README's command forms match --help")
struct ReadmeUsageTests {
    /// `memlens NAME …` forms from the `### ` headings of the README's Commands section.
    static func forms() throws -> [String] {
        let readme = try String(contentsOf: TestPaths.packageRoot.appending(path: "README.md"), encoding: .utf8)
        let headings = readme.split(separator: "\n").filter { $0.hasPrefix("### `memlens ") }
        return headings.flatMap { heading in
            heading.split(separator: "·").compactMap { part -> String? in
                let quoted = part.split(separator: "`", omittingEmptySubsequences: false)
                return quoted.count >= 3 ? String(quoted[1]) : nil
            }
        }
    }

    @Test("Every option in a README heading is in the command's --help, with a value exactly when it takes one")
    func optionsMatchHelp() throws {
        let forms = try Self.forms()
        #expect(forms.count >= 20, "found \(forms)")
        for form in forms {
            let words = form.split(separator: " ").map(String.init)
            let command = words[1]
            let help = try runCommand([TestPaths.memlens, "help", command])
            try #require(help.status == 0, "memlens help \(command): \(help.stderr)")
            let usage = help.stdout.split(separator: "\n").first { $0.hasPrefix("USAGE:") }.map(String.init) ?? ""
            for (index, word) in words.enumerated() {
                guard let option = word.firstMatch(of: /--[a-z][a-z-]*/)?.output else { continue }
                let name = String(option)
                let next = index + 1 < words.count ? words[index + 1] : ""
                // The README's value: the rest of this word after `=`, or a next word that is not another option or bracket.
                let readmeValue = word.contains("=") || (!next.isEmpty && !next.hasPrefix("-") && !next.hasPrefix("[")
                    && !word.hasSuffix("]") && !word.hasSuffix(")") && !word.hasSuffix("|"))
                #expect(help.stdout.contains(name), "\(form): \(name) is not in memlens help \(command)")
                guard let range = usage.range(of: name + " <") ?? usage.range(of: name + "]") ?? usage.range(of: name + " ")
                else { continue }
                let takesValue = usage[range].hasSuffix("<")
                #expect(takesValue == readmeValue,
                        "\(form): README writes \(name) \(readmeValue ? "with" : "without") a value; --help: \(usage)")
            }
        }
    }
}
