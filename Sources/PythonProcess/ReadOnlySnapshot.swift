import Foundation
public import HeapGraph

/// A heap snapshot read from outside, with no code run in the target: the
/// census's stop–copy–resume (``Census``), then ``GraphWalk`` over the copy.
/// Works on a main thread blocked in C (`read(2)`, a lock, an idle event
/// loop), sees `gc.freeze()`d objects and frame locals, and reads core files.
///
///     let snapshot = try ReadOnlySnapshot.take(pid: 1234, values: true)
///     try MLHWriter.write(snapshot.graph, to: "app.mlh")
public struct ReadOnlySnapshot: Sendable {
    /// The object graph, with metadata saying how it was made (`method: read-only`).
    public var graph: HeapGraph
    /// The target's pause for the copy, in milliseconds (0 for a core).
    public var pauseMilliseconds: Double
    /// Time spent walking the copy and building the graph, in milliseconds.
    public var walkMilliseconds: Double
    /// Bytes of memory copied (or read from the core).
    public var copiedBytes: UInt64
    public var python: String
    /// Objects whose referents could not be read (skipped).
    public var unreadableObjects: Int
    /// Objects in the graph.
    public var objectCount: Int { graph.count }

    /// Stops `pid` only while its memory is copied, then walks the copy.
    /// `values`: record str/bytes/int/float values. Errors are one line each
    /// (not Python, 3.7, gone, ptrace denied, a corrupt heap with its address).
    public static func take(pid: Int32, values: Bool,
        progress: (String) -> Void = { _ in }) throws(ProcessAccessError) -> ReadOnlySnapshot {
        let read = try Census.readCopy(python: PythonProcess(pid: pid), maxAttempts: 20,
            progress: progress) { (copy, state, image) throws(ProcessAccessError) in
            try walk(copy, state: state, image: image, pid: pid, values: values)
        }
        // The copy is gone by now: the graph is finished without it in memory.
        var snapshot = finish(read.value)
        snapshot.pauseMilliseconds = read.pauseMilliseconds
        snapshot.graph.metadata.pauseMilliseconds = read.pauseMilliseconds
        snapshot.graph.metadata.argv = commandLine(pid)
        return snapshot
    }

    /// Walks the heap held by the core file at `path` (see ``Census/take(core:executable:includeFrozen:amend:)``
    /// for how the files it names are found).
    public static func take(core path: String, executable: String?, values: Bool) throws(ProcessAccessError) -> ReadOnlySnapshot {
        func walkCore() throws(ProcessAccessError) -> Walked {
            let opened = try Census.openCore(path: path, executable: executable)
            return try walk(opened.memory, state: opened.state, image: opened.image, pid: opened.pid, values: values)
        }
        do { return finish(try walkCore()) } catch { throw Census.said(of: path, error) }
    }

    /// A walk done, its graph not yet finished (which needs no copy).
    struct Walked {
        var numbering: GraphWalk.Numbering
        var counts: GraphWalk.Counts
        var generations: [CensusResult.Generation]
        var permanentObjects: Int
        var startNanoseconds: UInt64
        var copiedBytes: UInt64
        var python: String
    }

    static func walk(_ copy: HeapCopy, state: InterpreterState, image: PythonImage, pid: Int32,
        values: Bool) throws(ProcessAccessError) -> Walked {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let layout = GraphLayout.forVersion(minor: image.version.minor) else {
            throw .unsupportedVersion(pid: pid, version: image.version.description)
        }
        let reader = ObjectReader(memory: copy, layout: state.layout)
        let heap = HeapWalk(copy: copy, reader: reader, gcState: state.gcState)
        var metadata = SnapshotMetadata()
        metadata.format = Int(SnapshotFile.formatVersion)  // dict referents are values then keys
        metadata.python = image.version.description
        metadata.implementation = "cpython"
        metadata.pid = Int(pid)
        metadata.executable = image.path
        metadata.time = Date().timeIntervalSince1970
        metadata.values = values
        metadata.pointerBytes = 8
        metadata.method = "read-only"
        let walker = GraphWalk(walk: heap, graph: layout, runtime: state.runtime, interpreter: state.interpreter, values: values,
                               metadata: metadata)
        let numbering = try walker.run(subtypeTraverse: image.address(of: "subtype_traverse"))
        return Walked(numbering: numbering, counts: walker.counts, generations: walker.generations,
                      permanentObjects: walker.permanentObjects, startNanoseconds: start, copiedBytes: copy.byteCount,
                      python: image.version.description)
    }

    /// Resolves the walk's referents into the graph and fills in its metadata.
    static func finish(_ walked: consuming Walked) -> ReadOnlySnapshot {
        let counts = walked.counts, generations = walked.generations
        var graph = walked.numbering.finish()
        graph.metadata.conservativeObjects = counts.conservativeObjects
        graph.metadata.conservativeEdges = counts.conservativeEdges
        graph.metadata.approximateSizes = counts.approximateSizes
        graph.metadata.gcCounts = generations.map(\.count)
        graph.metadata.gcThresholds = generations.map(\.threshold)
        graph.metadata.gcFrozen = walked.permanentObjects
        return ReadOnlySnapshot(graph: graph, pauseMilliseconds: 0,
                                walkMilliseconds: Double(DispatchTime.now().uptimeNanoseconds - walked.startNanoseconds) / 1e6,
                                copiedBytes: walked.copiedBytes, python: walked.python, unreadableObjects: counts.unreadable)
    }

    /// The target's argv, as `/proc/PID/cmdline` gives it.
    static func commandLine(_ pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
