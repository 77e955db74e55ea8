import Foundation
import PythonProcess
import SafeFiles

/// How the agent's code reaches a target's main thread, chosen per target.
extension Attacher {
    enum Method: Equatable {
        /// CPython 3.14+: `sys.remote_exec`'s protocol (PEP 768), written from here.
        case remoteExec
        /// 3.8–3.13: gdb queues `Py_AddPendingCall(PyRun_SimpleString, buf)`.
        case gdb
    }

    enum Injection {
        case remoteExec(RemoteExec)
        case gdb(path: String)
    }

    /// Functions gdb calls by name in the target (3.8–3.13).
    static let gdbSymbols = ["Py_AddPendingCall", "PyRun_SimpleString"]

    /// 3.14 and later take remote exec; 3.13 (whose table has no debugger
    /// support) and interpreters without a `_Py_DebugOffsets` table take gdb.
    static func method(forTableVersion version: PythonVersion?) -> Method {
        guard let version, (version.major, version.minor) >= (3, 14) else { return .gdb }
        return .remoteExec
    }

    /// Picks the injection for process `pid` from the `_Py_DebugOffsets`
    /// table at its `_PyRuntime`, checking what that injection needs before
    /// anything in the target changes.
    static func chooseInjection(pid: Int32) throws -> Injection {
        let memory = ProcessMemory(pid: pid)
        if let runtime = RuntimeLocation.find(pid: pid),
           let table = try? memory.bytes(at: runtime.address, count: 16),
           method(forTableVersion: RemoteDebugOffsets.version(ofTable: table)) == .remoteExec {
            do { return .remoteExec(try RemoteExec(runtime: runtime.address, memory: memory)) } catch {
                throw AttachError.remoteExec(pid: pid, error)
            }
        }
        try requireGDBSymbols(pid)
        guard let gdb = findExecutable("gdb") else { throw AttachError.gdbMissing }
        return .gdb(path: gdb)
    }

    /// gdb finds ``gdbSymbols`` in `.dynsym` or `.symtab` of the executable or
    /// a mapped libpython, or in installed debug symbols. A stripped static
    /// build linked without `--export-dynamic` has neither: say so, rather
    /// than let gdb fail after attaching.
    static func requireGDBSymbols(_ pid: Int32) throws {
        var python: (image: String, missing: [String])?
        for image in RuntimeLocation.candidateImages(pid: pid) {
            guard let file = try? ELFFile(path: RuntimeLocation.localPath(image, pid: pid)) else { continue }
            let symbols = try? ELFSymbols(file: file)
            if let symbols, gdbSymbols.allSatisfy({ symbols.address(of: $0) != nil }) { return }
            let name = (image as NSString).lastPathComponent
            let holdsRuntime = symbols?.address(of: "_PyRuntime") != nil || file.sections.contains { $0.name == ".PyRuntime" }
            guard holdsRuntime || name.hasPrefix("python") || name.hasPrefix("libpython") else { continue }
            if DebugSymbolFile.exists(for: file) { return }  // gdb loads them
            // Name the image that holds the interpreter rather than a launcher named python.
            if python == nil || holdsRuntime { python = (image, gdbSymbols.filter { symbols?.address(of: $0) == nil }) }
        }
        guard let python else { throw AttachError.notPython(pid: pid) }
        throw AttachError.noSymbols(pid: pid, image: python.image, missing: python.missing)
    }
}

extension Attacher {
    /// A queued agent call: what undoes it while it has not run, and what
    /// cleans up after it has.
    struct Queued {
        var withdraw: () -> Void
        var finish: () -> Void
    }

    /// Queues `code` on the main thread of `pid`. Remote exec reads it from
    /// `run.py` in the agent's folder (`folder` here, `visible` in the target);
    /// gdb copies it into a buffer it maps in the target.
    static func queue(_ code: String, injection: Injection, pid: Int32, token: String, folder: Directory, visible: String,
                      progress: (String) -> Void) throws -> Queued {
        switch injection {
        case .remoteExec(let exec):
            do { try folder.createFile("run.py", contents: Array(code.utf8), mode: AgentFiles.readable) } catch {
                throw AttachError.cannotPlaceAgent(pid: pid, detail: "\(error)")
            }
            progress("asking the main thread of \(pid) to run the agent (sys.remote_exec's protocol, Python \(exec.offsets.version))")
            let memory = ProcessMemory(pid: pid)
            let request: RemoteExec.Request
            do { request = try exec.send(scriptPath: visible + "/run.py", memory: memory) } catch {
                if case .access(.exited) = error { throw AttachError.targetExited(pid: pid) }
                throw AttachError.remoteExec(pid: pid, error)
            }
            return Queued(withdraw: { exec.withdraw(request, memory: memory) }, finish: {})
        case .gdb(let gdb):
            let work = try PrivateFolder.create(prefix: "memlens-gdb")
            let remove = { work.remove() }
            do {
                let codeFile = work.path + "/code.bin"
                try work.directory.createFile("code.bin", contents: Array(code.utf8) + [0])
                progress("attaching with gdb to \(pid)")
                let buffer = try queuePendingCall(gdb: gdb, pid: pid, codeFile: codeFile, logFile: work.path + "/gdb.log")
                // A call that never ran keeps its buffer: it may still run, and then finds no files.
                return Queued(withdraw: remove, finish: {
                    unmapBuffer(gdb: gdb, pid: pid, address: buffer, logFile: work.path + "/gdb-unmap.log")
                    remove()
                })
            } catch {
                remove()
                throw error
            }
        }
    }
}
