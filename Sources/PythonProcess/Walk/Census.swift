import Foundation
import ProcFS
public import ProcessModels

/// A read-only census of a live CPython 3.8–3.13 process: nothing runs in the
/// target. It is stopped (every thread, ``ThreadStopper``) only while its
/// writable memory is copied in large reads, never while the collector runs
/// (the `collecting` flag is checked before and after stopping; a try that
/// finds it set resumes and retries), then the copy is walked locally.
/// ``take(core:executable:includeFrozen:amend:)`` walks a core file the same way.
///
///     let result = try Census.take(pid: 1234)
///     result.types.first          // largest type by size
public enum Census {
    /// Takes one census of `pid`; `includeFrozen` counts the permanent
    /// generation's objects in the types too. `progress` gets one-line notes
    /// (retries); `amend` may add to the result from the same copy (the arena summary).
    public static func take(pid: Int32, includeFrozen: Bool = false, maxAttempts: Int = 50,
                            progress: (String) -> Void = { _ in },
                            amend: (CensusMemory, inout CensusResult) -> Void = { _, _ in }) throws(ProcessAccessError) -> CensusResult {
        try take(python: PythonProcess(pid: pid), includeFrozen: includeFrozen, maxAttempts: maxAttempts, progress: progress, amend: amend)
    }

    /// Takes one census of the process `python` found (a caller taking many
    /// censuses of one process locates its interpreter once).
    public static func take(python: PythonProcess, includeFrozen: Bool = false, maxAttempts: Int = 50,
                            progress: (String) -> Void = { _ in },
                            amend: (CensusMemory, inout CensusResult) -> Void = { _, _ in }) throws(ProcessAccessError) -> CensusResult {
        let pid = python.pid
        let read = try StoppedCopy.live(python: python, maxAttempts: maxAttempts,
            progress: progress) { (copy, state, image, _) throws(ProcessAccessError) in
            var result = try census(of: copy, state: state, image: image, pid: pid, includeFrozen: includeFrozen)
            amend(CensusMemory(memory: copy, image: image), &result)
            return result
        }
        var result = read.value
        result.pauseMilliseconds = read.pauseMilliseconds
        result.attempts = read.attempts
        result.osThreads = read.osThreads
        return result
    }

    /// Walks the collector's lists in `copy` and counts: the result with the
    /// walk timed, no pause, one try and no OS threads (callers fill those in).
    static func census(of copy: HeapCopy, state: InterpreterState, image: PythonImage, pid: Int32,
                       includeFrozen: Bool) throws(ProcessAccessError) -> CensusResult {
        let walkStart = DispatchTime.now().uptimeNanoseconds
        let reader = ObjectReader(memory: copy, layout: state.layout)
        let totals = try HeapWalk(copy: copy, reader: reader, gcState: state.gcState).censusTotals()
        let threads = try countThreads(interpreter: state.interpreter, reader: reader)
        let types = merged(includeFrozen ? totals.types + totals.permanentTypes : totals.types)
        let notes = totals.corruptTypes.map { "type \($0.name) has a negative tp_basicsize or tp_itemsize (corrupt): "
            + "its \($0.objects) object\($0.objects == 1 ? "" : "s") counted with size 0" }
        return CensusResult(
            python: image.version.description, pid: pid,
            objects: types.reduce(0) { $0 + $1.count }, totalSize: types.map(\.size).saturatedSum(),
            pauseMilliseconds: 0, walkMilliseconds: Double(DispatchTime.now().uptimeNanoseconds - walkStart) / 1e6,
            copiedBytes: copy.byteCount, attempts: 1, generations: totals.generations,
            permanentObjects: totals.permanentTypes.reduce(0) { $0 + $1.count },
            permanentSize: totals.permanentTypes.map(\.size).saturatedSum(), includesFrozen: includeFrozen,
            threads: threads, osThreads: 0, types: types, notes: notes)
    }

    /// Python thread states of the interpreter.
    static func countThreads(interpreter: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> Int {
        var count = 0
        var thread = try reader.word(interpreter &+ reader.layout.interpreterThreadsHead)
        while thread != 0, count < 100_000 {
            count += 1
            thread = try reader.word(thread &+ reader.layout.threadStateNext)
        }
        return count
    }

    /// One row per type name (two classes may share a name), largest size first.
    static func merged(_ rows: [CensusResult.TypeCount]) -> [CensusResult.TypeCount] {
        var byName: [String: CensusResult.TypeCount] = [:]
        for row in rows {
            if var old = byName[row.type] {
                old.count += row.count; old.size = old.size.addingSaturated(row.size); old.exact = old.exact && row.exact
                byName[row.type] = old
            } else {
                byName[row.type] = row
            }
        }
        return byName.values.sorted { ($0.size, $0.count, $1.type) > ($1.size, $1.count, $0.type) }
    }
}

/// The memory a census walked, for more looks at the same instant (the CLI
/// sums pymalloc's arenas from it): the copy, and the interpreter image.
public struct CensusMemory {
    /// The copy (live) or the core's memory.
    public let memory: any MemorySource
    public let image: PythonImage
}
