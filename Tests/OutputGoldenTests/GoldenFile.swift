import Foundation
import Testing

/// Compares an output with its golden file under `Golden/`, byte for byte.
/// `MEMLENS_RECORD_GOLDEN=1` writes the goldens instead (from code known good,
/// then committed); a recorded run still fails, so it is never mistaken for a pass.
enum GoldenFile {
    /// The folder of the goldens, beside this source file.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Golden")
    /// The folder of the inputs (models as JSON), beside this source file.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures")
    static let recording = ProcessInfo.processInfo.environment["MEMLENS_RECORD_GOLDEN"] == "1"

    /// Expects `actual` to equal the golden `name`, naming the first line that differs.
    static func check(_ actual: Data, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = folder.appending(path: name)
        if recording {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? actual.write(to: url)
            Issue.record("recorded \(name)", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? Data(contentsOf: url) else {
            Issue.record("no golden \(name) (record it with MEMLENS_RECORD_GOLDEN=1)", sourceLocation: sourceLocation)
            return
        }
        if expected == actual { return }
        let old = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let new = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        let was = line < old.count ? String(old[line].prefix(300)) : "<end>"
        let now = line < new.count ? String(new[line].prefix(300)) : "<end>"
        Issue.record("\(name) differs at line \(line + 1):\n  golden: \(was)\n  now:    \(now)", sourceLocation: sourceLocation)
    }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        check(Data(actual.utf8), name, sourceLocation: sourceLocation)
    }

    /// A model decoded from `Fixtures/name`.
    static func fixture<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: fixtures.appending(path: name)))
    }
}
