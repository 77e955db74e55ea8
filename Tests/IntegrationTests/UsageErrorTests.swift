import Foundation
import Testing
import TestSupport

/// Issue 23: command-line values that memlens refused badly, or took wrongly.
@Suite("Usage errors name the option and what it takes")
struct UsageErrorTests {
    /// Runs memlens; checks exit 64 and a first line with every one of `words`, no Cocoa text, no "Missing value".
    func expectUsageError(_ arguments: [String], _ words: [String]) throws {
        let result = try runCommand([TestPaths.memlens] + arguments)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
        for word in words { #expect(first.contains(word), "\(arguments): \(first)") }
        #expect(!result.stderr.contains("Missing value") && !result.stderr.contains("NSCocoaErrorDomain"), "\(arguments): \(result.stderr)")
    }

    /// `--top -1` read `-1` as a flag ("Missing value for '--top <top>'"); a count or a length of
    /// time is refused naming the option (the help line after it gives the default), a number with its range.
    @Test("A negative number is refused naming the option")
    func negativeNumbers() throws {
        try expectUsageError(["summary", "x.mlh", "--top", "-1"], ["'-1'", "--top"])
        try expectUsageError(["paths", "x.mlh", "--type", "T", "--max", "-1"], ["'-1'", "--max"])
        try expectUsageError(["census", "1", "--top", "-5"], ["'-5'", "--top"])
        try expectUsageError(["watch", "1", "-o", "x.html", "--interval", "-1s"], ["'-1s'", "--interval"])
        try expectUsageError(["gc", "1", "--duration", "-1"], ["'-1'", "--duration"])
        try expectUsageError(["demo", "--scale", "-1"], ["--scale", "(0, 4]"])
        try expectUsageError(["frag", "1", "--pinned-below", "-5"], ["--pinned-below", "(0, 100]"])
        try expectUsageError(["suspects", "x.mlh", "--threshold", "-1"], ["--threshold", "(0, 100]"])
        try expectUsageError(["serve", "--pid", "1", "--top-types", "-1"], ["--top-types", "positive"])
    }

    /// An invalid regular expression, and an empty folder name, printed Foundation's error text.
    @Test("--match '(' and run -o '' give one line naming the option")
    func foundationErrors() throws {
        try expectUsageError(["serve", "--match", "("], ["--match: not a valid regular expression: \"(\""])
        try expectUsageError(["run", "-o", "", "--", "python3", "-c", "pass"], ["--output", "empty"])
    }

    /// Runs `memlens ARGS` through the shell, so that `printf` can make bytes that are not UTF-8.
    func shell(_ script: String) throws -> CommandResult {
        try runCommand(["/bin/sh", "-c", script, TestPaths.memlens])
    }

    /// Swift decodes argv with U+FFFD for bytes that are not UTF-8: a file of
    /// that name could not be read, and `-o` wrote another name.
    @Test("An argument that is not UTF-8 is refused, and nothing is written under another name")
    func notUTF8() throws {
        let folder = try TestPaths.temporaryFolder("not-utf8")
        let name = "\"$(printf 'a\\377.mlh')\""
        let read = try shell("cd '\(folder.path)' && printf x > \(name) && exec \"$0\" summary \(name)")
        #expect(read.status == 64 && read.stderr.hasPrefix("error: argument 2 ") && read.stderr.contains("not valid UTF-8"),
                "\(read.stderr)")
        #expect(read.stderr.split(separator: "\n").count == 1, "\(read.stderr)")
        let write = try shell("cd '\(folder.path)' && exec \"$0\" export a.mlh --format dot -o \"$(printf 'o\\377.dot')\"")
        #expect(write.status == 64 && write.stderr.contains("not valid UTF-8"), "\(write.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.count == 1 && !names.contains { $0.hasPrefix("o") }, "\(names)")  // the input alone, no o?.dot
    }
}
