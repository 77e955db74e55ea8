import Foundation
import Testing
import TestSupport

/// The line limit: no line of Swift in Sources/, Tests/ or Package.swift over
/// ``limit`` characters. Files that had longer lines when the limit came in
/// are listed with how many they had: the count may only go down (fix a
/// file's long lines when you change it, then lower or drop its entry).
@Suite("Line length")
struct LineLengthTests {
    static let limit = 140

    /// Files allowed long lines, and how many: the lines over the limit when it came in.
    static let baseline: [String: Int] = [
        "Package.swift": 1,
        "Sources/PythonProcess/Walk/GraphWalk.swift": 3,
        "Sources/Reports/HTML/TimelineReport.swift": 8,
        "Sources/Reports/HTML/TimelineSVG.swift": 10,
        "Sources/Timeline/AnonymousMemory.swift": 1,
        "Sources/Timeline/WatchState.swift": 2,
        "Tests/HeapGraphTests/TreemapTests.swift": 1,
        "Tests/IntegrationTests/ReadOnlySnapshotTests.swift": 4,
        "Tests/TestSupport/HeadlessChromium.swift": 2,
        "Tests/WatchTests/WatchTests.swift": 6,
    ]

    /// Every Swift file of the package below Sources/ and Tests/, and Package.swift (relative paths).
    static func swiftFiles() -> [String] {
        let root = TestPaths.packageRoot
        var files = ["Package.swift"]
        for folder in ["Sources", "Tests"] {
            let enumerator = FileManager.default.enumerator(atPath: root.appending(path: folder).path)
            while let file = enumerator?.nextObject() as? String {
                if file.hasSuffix(".swift") { files.append(folder + "/" + file) }
            }
        }
        return files.sorted()
    }

    @Test("No file has more lines over 140 characters than it had")
    func linesWithinTheLimit() throws {
        for file in Self.swiftFiles() {
            let text = try String(contentsOf: TestPaths.packageRoot.appending(path: file), encoding: .utf8)
            let lines = text.split(separator: "\n" as Character, omittingEmptySubsequences: false)
            let long = lines.indices.filter { lines[$0].count > Self.limit }.map { $0 + 1 }
            let allowed = Self.baseline[file] ?? 0
            #expect(long.count <= allowed, "\(file): \(long.count) lines over \(Self.limit) characters (\(long)), \(allowed) allowed")
        }
    }
}
