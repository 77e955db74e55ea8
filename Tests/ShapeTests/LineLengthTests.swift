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
        "Sources/Agent/AgentFiles.swift": 1,
        "Sources/Agent/AttachError.swift": 4,
        "Sources/Agent/Attacher.swift": 4,
        "Sources/Agent/Observer.swift": 1,
        "Sources/Fragmentation/Advice.swift": 1,
        "Sources/Fragmentation/ArenaTableCheck.swift": 2,
        "Sources/Fragmentation/ArenaTableSearch.swift": 2,
        "Sources/Fragmentation/ArenaWalk.swift": 1,
        "Sources/Fragmentation/FragAnalysis.swift": 2,
        "Sources/Fragmentation/PoolBlocks.swift": 1,
        "Sources/HeapAnalysis/DuplicateStrings.swift": 2,
        "Sources/HeapAnalysis/HeapReportContents.swift": 4,
        "Sources/HeapAnalysis/InstanceDictCollapse.swift": 1,
        "Sources/HeapAnalysis/LeakSuspects.swift": 1,
        "Sources/HeapAnalysis/PathFinder.swift": 2,
        "Sources/HeapAnalysis/ReferenceKinds.swift": 1,
        "Sources/HeapAnalysis/RetainedTreemap.swift": 9,
        "Sources/HeapGraph/FlatJSONScanner.swift": 2,
        "Sources/HeapGraph/MLHReader.swift": 6,
        "Sources/HeapGraph/MLHWriter.swift": 2,
        "Sources/HeapGraph/MeliaeReader.swift": 2,
        "Sources/HeapGraph/SnapshotError.swift": 1,
        "Sources/HeapGraph/SnapshotFile.swift": 1,
        "Sources/ProcFS/ByteParsing.swift": 1,
        "Sources/ProcFS/MemoryCounters.swift": 2,
        "Sources/PythonProcess/Census.swift": 2,
        "Sources/PythonProcess/CollectorSample.swift": 1,
        "Sources/PythonProcess/CoreCensus.swift": 4,
        "Sources/PythonProcess/CoreFile.swift": 1,
        "Sources/PythonProcess/ELFFile.swift": 3,
        "Sources/PythonProcess/GraphLayout.swift": 3,
        "Sources/PythonProcess/GraphWalk+Referents.swift": 3,
        "Sources/PythonProcess/GraphWalk.swift": 3,
        "Sources/PythonProcess/HeapWalk.swift": 4,
        "Sources/PythonProcess/ObjectReader.swift": 3,
        "Sources/PythonProcess/PtraceDiagnosis.swift": 7,
        "Sources/PythonProcess/PythonImage.swift": 1,
        "Sources/PythonProcess/PythonProcess.swift": 1,
        "Sources/PythonProcess/ReadOnlySnapshot.swift": 4,
        "Sources/PythonProcess/RemoteExec.swift": 1,
        "Sources/PythonProcess/RemoteExecError.swift": 2,
        "Sources/PythonProcess/ThreadStopper.swift": 1,
        "Sources/PythonProcess/Traversal.swift": 2,
        "Sources/PythonProcess/TypeSizing.swift": 1,
        "Sources/Reports/AllocReport.swift": 3,
        "Sources/Reports/CensusReport+Series.swift": 2,
        "Sources/Reports/CensusReport.swift": 1,
        "Sources/Reports/DemoReport.swift": 2,
        "Sources/Reports/DiffReport.swift": 3,
        "Sources/Reports/DominatorsDOT.swift": 2,
        "Sources/Reports/FindingsReport.swift": 3,
        "Sources/Reports/FootprintReport+JSON.swift": 1,
        "Sources/Reports/FootprintReport.swift": 3,
        "Sources/Reports/FootprintTreeReport.swift": 2,
        "Sources/Reports/FragReport+JSON.swift": 1,
        "Sources/Reports/FragReport.swift": 5,
        "Sources/Reports/FragSVG.swift": 5,
        "Sources/Reports/GCReport.swift": 1,
        "Sources/Reports/HTMLReport+Assets.swift": 7,
        "Sources/Reports/HTMLReport+Sections.swift": 23,
        "Sources/Reports/HTMLReport.swift": 15,
        "Sources/Reports/HeapSnapshotWriter.swift": 1,
        "Sources/Reports/ImportsReport.swift": 2,
        "Sources/Reports/RetainedReport.swift": 1,
        "Sources/Reports/SummaryReport.swift": 1,
        "Sources/Reports/TimelineReport.swift": 8,
        "Sources/Reports/TimelineSVG.swift": 10,
        "Sources/SafeFiles/AtomicOutput.swift": 1,
        "Sources/SafeFiles/Directory.swift": 5,
        "Sources/SafeFiles/FileSafetyError.swift": 1,
        "Sources/Timeline/AnonymousMemory.swift": 1,
        "Sources/Timeline/WatchState.swift": 2,
        "Sources/memlens/Commands/Alloc.swift": 1,
        "Sources/memlens/Commands/Census.swift": 4,
        "Sources/memlens/Commands/Demo.swift": 1,
        "Sources/memlens/Commands/Diff.swift": 1,
        "Sources/memlens/Commands/GC.swift": 1,
        "Sources/memlens/Commands/Run.swift": 1,
        "Sources/memlens/Commands/Serve.swift": 1,
        "Sources/memlens/Commands/Snapshot.swift": 2,
        "Sources/memlens/Commands/SnapshotSignal.swift": 1,
        "Tests/CensusTests/CensusErrorTests.swift": 3,
        "Tests/CensusTests/CoreErrorTests.swift": 2,
        "Tests/CensusTests/CorruptCopyTests.swift": 5,
        "Tests/FootprintTests/ImportsAcceptanceTests.swift": 1,
        "Tests/FragTests/ArenaTableSearchTests.swift": 2,
        "Tests/FragTests/ArenaWalkTests.swift": 1,
        "Tests/FragTests/FragHoldersTests.swift": 1,
        "Tests/FragTests/FragTrimTests.swift": 2,
        "Tests/FragTests/StrippedFragTests.swift": 2,
        "Tests/HeapGraphTests/TreemapTests.swift": 3,
        "Tests/IntegrationTests/AttachTests.swift": 9,
        "Tests/IntegrationTests/BadInputTests.swift": 1,
        "Tests/IntegrationTests/ExportTests.swift": 1,
        "Tests/IntegrationTests/FindingsTests.swift": 1,
        "Tests/IntegrationTests/ObserveTests.swift": 2,
        "Tests/IntegrationTests/ReadOnlySnapshotTests.swift": 14,
        "Tests/IntegrationTests/RealMeliaeTests.swift": 1,
        "Tests/IntegrationTests/RefusedAttachTests.swift": 1,
        "Tests/IntegrationTests/RemoteExecTests.swift": 2,
        "Tests/IntegrationTests/ReportTests.swift": 1,
        "Tests/IntegrationTests/RetainedTests.swift": 2,
        "Tests/IntegrationTests/RunTests.swift": 5,
        "Tests/IntegrationTests/SecurityTests.swift": 2,
        "Tests/ServeTests/LabelTests.swift": 1,
        "Tests/ServeTests/ServeTests.swift": 2,
        "Tests/TestSupport/HeadlessChromium.swift": 5,
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
