import Foundation
import ProcFS
import ProcessModels

/// The one start of every walk of a Python heap from outside: the target's
/// writable memory copied while it is stopped (``live(python:maxAttempts:progress:walk:)``),
/// or a core file's memory (``core(path:executable:)``), with the interpreter
/// found in it. The census and the read-only snapshot walk what it gives.
/// (`frag` reads the arena table and pool headers of the stopped process
/// directly instead: a few pages, where a copy would take all writable memory.)
enum StoppedCopy {
    /// What ``live(python:maxAttempts:progress:walk:)`` returns: the walk's
    /// result, the target's pause for the copy, the tries it took, its OS threads.
    public struct Read<Value> {
        public var value: Value
        public var pauseMilliseconds: Double
        public var attempts: Int
        public var osThreads: Int
    }

    /// Stops every thread of the process (never while the collector runs), copies its
    /// writable memory, resumes it, then runs `walk` over the copy (given the
    /// pause in milliseconds too). A walk that finds the copy inconsistent is
    /// retried with a new copy, twice at most (one progress line), within `maxAttempts`.
    static func live<Value>(python: PythonProcess, maxAttempts: Int, progress: (String) -> Void,
                                walk: (HeapCopy, InterpreterState, PythonImage,
                                    Double) throws(ProcessAccessError) -> Value) throws(ProcessAccessError) -> Read<Value> {
        let pid = python.pid
        try python.requireSupportedVersion()
        let state = try InterpreterState(image: python.image, memory: python.memory, pid: pid)

        var inconsistentCopies = 0
        for attempt in 1...maxAttempts {
            // Wait (briefly) for a running collection to end before stopping.
            var waited = 0
            while try python.memory.load(Int32.self, at: state.collecting) != 0, waited < 200 { usleep(500); waited += 1 }
            let stopper = ThreadStopper(pid: pid)
            let start = DispatchTime.now().uptimeNanoseconds
            try stopper.stop()
            if try python.memory.load(Int32.self, at: state.collecting) != 0 {
                stopper.resume()
                progress("the collector was running; resumed and retrying (try \(attempt))")
                continue
            }
            let osThreads = stopper.threadCount
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
            do {
                let value = try walk(copy, state, python.image, pause)
                return Read(value: value, pauseMilliseconds: pause, attempts: attempt, osThreads: osThreads)
            } catch {
                // The walk over a copy does not know the pid; the error names it.
                let error = error.naming(pid: pid)
                guard case .inconsistent(_, let detail) = error, attempt < maxAttempts,
                      inconsistentCopies < maxInconsistentCopies else { throw error }
                inconsistentCopies += 1
                if inconsistentCopies == 1 { progress("the heap copy was inconsistent (\(detail)); copying again") }
            }
        }
        throw .alwaysCollecting(pid: pid, attempts: maxAttempts)
    }

    /// How many times a copy the walk finds inconsistent is taken again before
    /// the error is reported: a thread stopped halfway through linking an object
    /// tears one copy, not three in a row; a broken object (a NULL type) breaks every copy.
    static let maxInconsistentCopies = 2

    /// A core file opened for a walk: its memory, interpreter image and state.
    struct Core {
        let core: CoreFile
        let memory: HeapCopy
        let image: PythonImage
        let state: InterpreterState
        var pid: Int32 { core.pid ?? 0 }
    }

    /// Reads the core at `path` and finds the interpreter in it.
    static func core(path: String, executable: String?) throws(ProcessAccessError) -> Core {
        let core = try CoreFile(path: path)
        guard !core.segments.isEmpty else { throw .coreFile(path: path, detail: "holds no memory (no PT_LOAD segment with bytes)") }
        guard !core.files.isEmpty else {
            throw .coreFile(path: path, detail: "has no NT_FILE note (which files were mapped where), so the interpreter cannot be found")
        }
        let local = localPaths(core: core, executable: executable)
        var paths: [String] = []
        for file in core.files where !paths.contains(file.path) { paths.append(file.path) }
        let candidates = PythonImage.candidates(executable: core.executable?.path, paths: paths)
        let memory = try HeapCopy(core: core, fallback: MappedFileMemory(files: core.files, localPath: local))
        let pid = core.pid ?? 0
        let image: PythonImage
        do {
            image = try PythonImage.locate(
                candidates: candidates, localPath: local,
                base: { name in core.files.filter { $0.path == name && $0.fileOffset == 0 }.map(\.start).min() },
                memory: memory, pid: pid)
        } catch {
            let missing = candidates.filter { !FileManager.default.isReadableFile(atPath: local($0)) }
            guard missing.isEmpty else {
                let hint: HintedText = executable == nil ? " (pass \(UsageHint.pythonExecutable) with the Python executable; " +
                    "its libpython is looked for beside it and in ../lib)" : ""
                throw .coreFile(path: path, detail: "files the process mapped are not on this machine: " +
                    "\(missing.joined(separator: ", "))\(hint)")
            }
            throw error
        }
        let state = try InterpreterState(image: image, memory: memory, pid: pid)
        return Core(core: core, memory: memory, image: image, state: state)
    }

    /// Where each file the core names is read here: `executable` stands in for
    /// the executable; another file missing here is looked for by name next to
    /// `executable` and in its `../lib` (a libpython moved with its interpreter).
    static func localPaths(core: CoreFile, executable: String?) -> (String) -> String {
        guard let executable else { return { $0 } }
        let named = core.executable?.path
        let folder = (executable as NSString).deletingLastPathComponent
        return { path in
            if path == named { return executable }
            if FileManager.default.fileExists(atPath: path) { return path }
            let name = (path as NSString).lastPathComponent
            let nearby = [folder, (folder as NSString).appendingPathComponent("../lib")]
                .map { ($0 as NSString).appendingPathComponent(name) }
            return nearby.first { FileManager.default.fileExists(atPath: $0) } ?? path
        }
    }

    /// `error` said of the core file at `path`, as one line.
    static func said(of path: String, _ error: ProcessAccessError) -> ProcessAccessError {
        switch error {
        case .coreFile: return error
        case .notPython(_, let detail): return .coreFile(path: path, detail: "not a CPython process: \(detail)")
        case .unsupportedVersion(_, let version):
            return .coreFile(path: path, detail: "the process ran Python \(version); memlens reads the memory of CPython 3.8–3.13 " +
                "(census, snapshot)")
        case .inconsistent(_, let detail): return .coreFile(path: path, detail: "the interpreter state looks inconsistent: \(detail)")
        case .unreadable(_, let address, _):
            return .coreFile(path: path, detail: "address 0x\(String(address, radix: 16)) is neither in the core nor in a file it names"
                + " (a mapped file missing, or changed since?)")
        default: return .coreFile(path: path, detail: HintedText(error.description))
        }
    }
}
