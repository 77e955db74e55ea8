import Foundation
import ProcFS

/// A read-only census of a live CPython 3.8–3.13 process: nothing runs in the
/// target. It is stopped (every thread, ``ThreadStopper``) only while its
/// writable memory is copied in large reads, never while the collector runs
/// (the `collecting` flag is checked before and after stopping; a try that
/// finds it set resumes and retries), then the copy is walked locally.
///
///     let result = try Census.take(pid: 1234)
///     result.types.first          // largest type by size
public enum Census {
    /// Takes one census of `pid`; `includeFrozen` counts the permanent
    /// generation's objects in the types too. `progress` gets one-line notes (retries).
    public static func take(pid: Int32, includeFrozen: Bool = false, maxAttempts: Int = 50,
                            progress: (String) -> Void = { _ in }) throws(ProcessAccessError) -> CensusResult {
        let python = try PythonProcess(pid: pid)
        try python.requireSupportedVersion()
        guard var layout = PythonLayout.forVersion(python.version), let runtime = python.address(of: "_PyRuntime") else {
            throw .unsupportedVersion(pid: pid, version: python.version.description)
        }
        if python.version.minor >= 13,
           let offsets = DebugOffsets(bytes: try python.memory.bytes(at: runtime, count: DebugOffsets.byteCount)) {
            layout = offsets.apply(to: layout)
        }
        let live = ObjectReader(memory: python.memory, layout: layout)
        let interpreter = try live.word(runtime + layout.runtimeInterpretersHead)
        guard interpreter != 0 else { throw .inconsistent(pid: pid, detail: "no interpreter (still starting, or finalizing)") }
        let gcState = (layout.gcInRuntime ? runtime : interpreter) + layout.gcState
        let collecting = gcState + layout.gcCollecting

        for attempt in 1...maxAttempts {
            // Wait (briefly) for a running collection to end before stopping.
            var waited = 0
            while try python.memory.load(Int32.self, at: collecting) != 0, waited < 200 { usleep(500); waited += 1 }
            let stopper = ThreadStopper(pid: pid)
            let start = DispatchTime.now().uptimeNanoseconds
            try stopper.stop()
            if try python.memory.load(Int32.self, at: collecting) != 0 {
                stopper.resume()
                progress("the collector was running; resumed and retrying (try \(attempt))")
                continue
            }
            let copy: HeapCopy
            do throws(ProcessAccessError) {
                let mappings: MappingTable
                do { mappings = try ProcReader.maps(pid: pid) } catch { throw .exited(pid: pid) }
                copy = try HeapCopy(memory: python.memory, mappings: mappings)
            } catch {
                stopper.resume()
                throw error
            }
            stopper.resume()
            let pause = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6

            let walkStart = DispatchTime.now().uptimeNanoseconds
            let reader = ObjectReader(memory: copy, layout: layout)
            let totals: CensusWalk.Totals
            do { totals = try CensusWalk(copy: copy, reader: reader, gcState: gcState).run() } catch {
                if case .inconsistent = error, attempt < maxAttempts {
                    progress("the heap copy was inconsistent (\(error)); retrying (try \(attempt))")
                    continue
                }
                throw error
            }
            let threads = try countThreads(interpreter: interpreter, reader: reader)
            let types = merged(includeFrozen ? totals.types + totals.permanentTypes : totals.types)
            return CensusResult(
                python: python.version.description, pid: pid,
                objects: types.reduce(0) { $0 + $1.count }, total_size: types.reduce(0) { $0 + $1.size },
                pause_ms: pause, walk_ms: Double(DispatchTime.now().uptimeNanoseconds - walkStart) / 1e6,
                copied_bytes: copy.byteCount, attempts: attempt, generations: totals.generations,
                permanent_objects: totals.permanentTypes.reduce(0) { $0 + $1.count },
                permanent_size: totals.permanentTypes.reduce(0) { $0 + $1.size }, includes_frozen: includeFrozen,
                threads: threads, types: types)
        }
        throw .alwaysCollecting(pid: pid, attempts: maxAttempts)
    }

    /// Python thread states of the interpreter.
    static func countThreads(interpreter: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> Int {
        var count = 0
        var thread = try reader.word(interpreter + reader.layout.interpreterThreadsHead)
        while thread != 0, count < 100_000 {
            count += 1
            thread = try reader.word(thread + reader.layout.threadStateNext)
        }
        return count
    }

    /// One row per type name (two classes may share a name), largest size first.
    static func merged(_ rows: [CensusResult.TypeCount]) -> [CensusResult.TypeCount] {
        var byName: [String: CensusResult.TypeCount] = [:]
        for row in rows {
            if var old = byName[row.type] {
                old.count += row.count; old.size += row.size; old.exact = old.exact && row.exact
                byName[row.type] = old
            } else {
                byName[row.type] = row
            }
        }
        return byName.values.sorted { ($0.size, $0.count, $1.type) > ($1.size, $1.count, $0.type) }
    }
}
