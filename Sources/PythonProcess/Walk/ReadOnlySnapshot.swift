import Foundation
public import HeapGraph
import ProcFS
import ProcessModels

/// A heap snapshot read from outside, with no code run in the target: the
/// census's stop–copy–resume (``Census``), then ``GraphWalk`` over the copy.
/// Works on a main thread blocked in C (`read(2)`, a lock, an idle event
/// loop), sees `gc.freeze()`d objects and frame locals, and reads core files.
/// The file is written as the walk goes: memlens holds the copy and little more.
///
///     let snapshot = try ReadOnlySnapshot.write(pid: 1234, to: "app.mlh", values: true)
///     print(snapshot.objectCount, snapshot.pauseMilliseconds)
public struct ReadOnlySnapshot: Sendable {
    /// The target's pause for the copy, in milliseconds (0 for a core).
    public var pauseMilliseconds: Double = 0
    /// Walking the copy (and writing the file as it goes), in milliseconds.
    public var walkMilliseconds: Double
    /// Finishing the file: its last sections, flushed to disk and renamed into place.
    public var commitMilliseconds: Double = 0
    /// Bytes of memory copied (or read from the core).
    public var copiedBytes: UInt64
    public var python: String
    /// The process (for a core, the one that dumped it).
    public var pid: Int32
    public var objectCount: Int
    public var edgeCount: Int
    /// Objects whose referents come from a conservative scan (extension types memlens does not model).
    public var conservativeObjects: Int
    /// Objects whose referents could not be read (skipped).
    public var unreadableObjects: Int

    /// Stops `pid` only while its memory is copied, then walks the copy into
    /// `path` (mode 0600, renamed into place when complete). `values`: record
    /// str/bytes/int/float values. Errors are one line each (not Python, 3.7,
    /// gone, ptrace denied, a corrupt heap with its address, the file).
    public static func write(pid: Int32, to path: String, values: Bool, progress: (String) -> Void = { _ in }) throws -> ReadOnlySnapshot {
        var writer = try MLHWriter(path: path, metadata: SnapshotMetadata())
        var snapshot = try take(pid: pid, values: values, into: &writer, progress: progress)
        try commit(writer, into: &snapshot)
        return snapshot
    }

    /// Walks the heap held by the core file at `path` into the snapshot file
    /// `output` (see ``Census/take(core:executable:includeFrozen:amend:)`` for
    /// how the files it names are found).
    public static func write(core path: String, executable: String?, to output: String, values: Bool) throws -> ReadOnlySnapshot {
        var writer = try MLHWriter(path: output, metadata: SnapshotMetadata())
        var snapshot: ReadOnlySnapshot
        do {
            let opened = try StoppedCopy.core(path: path, executable: executable)
            snapshot = try walk(opened.memory, state: opened.state, image: opened.image, pid: opened.pid, values: values, into: &writer)
        } catch { throw StoppedCopy.said(of: path, error) }
        try commit(writer, into: &snapshot)
        return snapshot
    }

    /// The snapshot of `pid` as a graph in memory (`frag --paths`).
    public static func graph(pid: Int32, values: Bool, progress: (String) -> Void = { _ in }) throws(ProcessAccessError) -> HeapGraph {
        var builder = HeapGraphBuilder(metadata: SnapshotMetadata())
        _ = try take(pid: pid, values: values, into: &builder, progress: progress)
        var graph = builder.finish()
        // A file's reader sums them from its chunks; here, from the objects' flags.
        func bytes(flagged flag: ObjectFlags) -> UInt64 {
            graph.flags.indices.lazy.filter { graph.flags[$0].contains(flag) }.map { graph.sizes[$0] }.saturatedSum()
        }
        (graph.metadata.approximateBytes, graph.metadata.bufferOwnerBytes) = (bytes(flagged: .approximateSize), bytes(flagged: .ownsBuffer))
        return graph
    }

    static func commit(_ writer: consuming MLHWriter, into snapshot: inout ReadOnlySnapshot) throws(SnapshotError) {
        let start = DispatchTime.now().uptimeNanoseconds
        try writer.commit()
        snapshot.commitMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// Copies `pid`'s memory (retrying while the copy is inconsistent) and walks it into `sink`.
    static func take<Sink: GraphSink>(pid: Int32, values: Bool, into sink: inout Sink,
        progress: (String) -> Void) throws(ProcessAccessError) -> ReadOnlySnapshot {
        let argv = commandLine(pid)
        var tries = 0
        let python = try PythonProcess(pid: pid)
        let read = try StoppedCopy.live(python: python, maxAttempts: 20,
            progress: progress) { (copy, state, image, pause) throws(ProcessAccessError) in
            tries += 1
            if tries > 1 { sink = sink.restarted() }
            sink.metadata.pauseMilliseconds = pause
            sink.metadata.argv = values ? argv : nil  // a command line is user data too (`python -c CODE`, a password)
            // RSS, PSS, USS and private dirty at the copy (read just after it, from smaps_rollup), as the
            // agent records them: the report's composition weighs the objects against them.
            let totals = try? FootprintReader().read(pid: pid, detail: .totals).totals
            sink.metadata.rssBytes = totals?.rssBytes
            (sink.metadata.pssBytes, sink.metadata.ussBytes) = (totals?.pssBytes, totals?.ussBytes)
            sink.metadata.privateDirtyBytes = totals?.privateDirtyBytes
            return try walk(copy, state: state, image: image, pid: pid, values: values, into: &sink)
        }
        var snapshot = read.value
        snapshot.pauseMilliseconds = read.pauseMilliseconds
        return snapshot
    }

    static func walk<Sink: GraphSink>(_ copy: HeapCopy, state: InterpreterState, image: PythonImage, pid: Int32,
        values: Bool, into sink: inout Sink) throws(ProcessAccessError) -> ReadOnlySnapshot {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let layout = state.graph else {
            throw .unsupportedVersion(pid: pid, version: image.version.description)
        }
        let reader = ObjectReader(memory: copy, layout: state.layout)
        let heap = HeapWalk(copy: copy, reader: reader, gcState: state.gcState)
        sink.metadata.format = Int(SnapshotFile.formatVersion)  // dict referents are values then keys
        sink.metadata.python = image.version.description
        sink.metadata.implementation = "cpython"
        sink.metadata.pid = Int(pid)
        sink.metadata.executable = image.path
        sink.metadata.time = Date().timeIntervalSince1970
        sink.metadata.values = values
        sink.metadata.pointerBytes = 8
        sink.metadata.method = "read-only"
        let walker = GraphWalk(walk: heap, graph: layout, runtime: state.runtime, interpreter: state.interpreter, values: values,
                               sink: sink)
        try walker.run(subtypeTraverse: image.address(of: "subtype_traverse"))
        sink = walker.sink
        let counts = walker.counts
        // A graph in memory keeps these; a file's reader counts them from its chunks' flags.
        sink.metadata.conservativeObjects = counts.conservativeObjects
        sink.metadata.conservativeEdges = counts.conservativeEdges
        sink.metadata.approximateSizes = counts.approximateSizes
        return ReadOnlySnapshot(walkMilliseconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6,
                                copiedBytes: copy.byteCount, python: image.version.description, pid: pid, objectCount: counts.objects,
                                edgeCount: counts.edges, conservativeObjects: counts.conservativeObjects,
                                unreadableObjects: counts.unreadable)
    }

    /// The target's argv, as `/proc/PID/cmdline` gives it.
    /// At most 1 MiB of it (the target's own, untrusted); empty arguments are left out.
    static func commandLine(_ pid: Int32) -> [String]? {
        guard let arguments = try? ProcReader.commandLine(pid: pid, limitBytes: 1 << 20) else { return nil }
        return arguments.filter { !$0.isEmpty }
    }
}
