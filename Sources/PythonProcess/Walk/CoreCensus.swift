import Foundation
<<<<<<< HEAD
public import ProcessModels
=======
import ProcessModels
>>>>>>> h-26c

extension Census {
    /// A census of the heap in the ELF core file at `path` (the kernel's, or
    /// gdb's `gcore`): the same walk as a live census, over the core's memory,
    /// with what the core left out (read-only text, `tp_name` strings) read
    /// from the files the process had mapped, as its `NT_FILE` note names them.
    /// `executable` stands in for the executable the core names (needed when
    /// that path is not on this machine; a libpython missing too is looked
    /// for next to it and in its `../lib`). No pause (`pause_ms` 0); `os_threads`
    /// counts the core's threads. A core written mid-collection is walked if
    /// its lists hold together, with a note saying so. Every failure throws
    /// `.coreFile` naming the file.
    ///
    ///     let result = try Census.take(core: "core.12345", executable: "/usr/bin/python3.11")
    public static func take(core path: String, executable: String? = nil, includeFrozen: Bool = false,
                            amend: (CensusMemory, inout CensusResult) -> Void = { _, _ in }) throws(ProcessAccessError) -> CensusResult {
        do {
            return try censusOfCore(path: path, executable: executable, includeFrozen: includeFrozen, amend: amend)
        } catch {
            throw StoppedCopy.said(of: path, error)
        }
    }

<<<<<<< HEAD
=======
    /// A core file opened for a walk: its memory, interpreter image and state.
    struct OpenedCore {
        let core: CoreFile
        let memory: HeapCopy
        let image: PythonImage
        let state: InterpreterState
        var pid: Int32 { core.pid ?? 0 }
    }

    /// Reads the core at `path` and finds the interpreter in it.
    static func openCore(path: String, executable: String?) throws(ProcessAccessError) -> OpenedCore {
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
        return OpenedCore(core: core, memory: memory, image: image, state: state)
    }

>>>>>>> h-26c
    private static func censusOfCore(path: String, executable: String?, includeFrozen: Bool,
                                     amend: (CensusMemory, inout CensusResult) -> Void) throws(ProcessAccessError) -> CensusResult {
        let opened = try StoppedCopy.core(path: path, executable: executable)
        let core = opened.core, memory = opened.memory, image = opened.image, state = opened.state, pid = opened.pid
        let collecting = try memory.load(Int32.self, at: state.collecting) != 0
        var result: CensusResult
        do { result = try census(of: memory, state: state, image: image, pid: pid, includeFrozen: includeFrozen) } catch {
            guard collecting, case .inconsistent(_, let detail) = error else { throw error }
            throw .coreFile(path: path, detail: "written while the garbage collector ran, its lists are mid-move (\(detail)); no census")
        }
        result.osThreads = core.threadCount
        result.coreFile = path
        if collecting {
            result.notes.append("the core was written while the garbage collector ran: objects it was examining may be missing")
        }
        amend(CensusMemory(memory: memory, image: image), &result)
        return result
    }
<<<<<<< HEAD
=======

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
>>>>>>> h-26c
}
