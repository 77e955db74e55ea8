import Foundation
public import ProcessModels

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
}
