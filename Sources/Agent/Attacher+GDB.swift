import Foundation
import PythonProcess
#if canImport(Glibc)
import Glibc
#endif

/// The gdb half of injection: queue a pending call, unmap its buffer.
extension Attacher {
    /// Runs gdb in batch mode: mmap a buffer, copy the code in, queue the
    /// pending call, detach. Returns the buffer's address.
    static func queuePendingCall(gdb: String, pid: Int32, codeFile: String, logFile: String) throws -> UInt64 {
        let commands = [
            "set pagination off", "set confirm off",
            // mmap is a system call: no allocator lock that the stopped thread
            // could hold. Read-only: gdb writes through ptrace anyway.
            "set $buf = (char *) mmap(0, \(bufferBytes), 1, 34, -1, 0)",
            "printf \"memlens-buffer %lu\\n\", (unsigned long) $buf",
            "restore \(codeFile) binary $buf",
            "printf \"memlens-queued %d\\n\", (int) Py_AddPendingCall((int (*)(void *)) PyRun_SimpleString, $buf)",
            "detach",
        ]
        let log = try runGDB(gdb, pid: pid, commands: commands, logFile: logFile)
        if log.contains("memlens-queued 0"),
           let line = log.split(separator: "\n").first(where: { $0.hasPrefix("memlens-buffer ") }),
           let address = UInt64(line.dropFirst("memlens-buffer ".count)) {
            return address
        }
        if log.contains("ptrace: Operation not permitted") {
            if let tracer = Tracer.of(pid) { throw AttachError.alreadyTraced(pid: pid, tracer: tracer) }
            throw AttachError.ptraceDenied(pid: pid, detail: ptraceHint(pid))
        }
        if log.contains("No symbol \"Py_AddPendingCall\"") || log.contains("No symbol \"PyRun_SimpleString\"") {
            throw AttachError.notPython(pid: pid)
        }
        if log.contains("No such process") { throw AttachError.targetExited(pid: pid) }
        let lastLines = log.split(separator: "\n").suffix(4).joined(separator: " | ")
        throw AttachError.gdbFailed(pid: pid, detail: lastLines.isEmpty ? "gdb gave no output" : lastLines)
    }

    /// Unmaps the code buffer once the agent has run (best effort: 64 KiB).
    static func unmapBuffer(gdb: String, pid: Int32, address: UInt64, logFile: String) {
        _ = try? runGDB(gdb, pid: pid, commands: ["set pagination off", "set confirm off",
                                                 "call (int) munmap((void *) \(address), \(bufferBytes))", "detach"], logFile: logFile)
    }

    /// Runs `gdb --batch -p PID` with `commands` in its own process group; returns its output.
    static func runGDB(_ gdb: String, pid: Int32, commands: [String], logFile: String) throws -> String {
        // --nx: no init files; auto-load off: no script that ships beside the
        // target's libraries (libpython*-gdb.py, .debug_gdb_scripts) runs in gdb.
        let argv = [gdb, "--batch", "--nx", "-iex", "set auto-load off", "-p", String(pid)] + commands.flatMap { ["-ex", $0] }
        let child = try ProcessSpawner.spawn(argv, environment: ProcessInfo.processInfo.environment,
                                             outputPath: logFile, ownProcessGroup: true)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(60)
        while waitpid(child, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(child, SIGTERM)  // gdb detaches on SIGTERM
                _ = waitpid(child, &status, 0)
                throw AttachError.gdbFailed(pid: pid, detail: "gdb did not finish within 60 s")
            }
            usleep(10_000)
        }
        return (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }

    static func ptraceHint(_ pid: Int32) -> String {
        refusedAttachHint(pid)
    }
}
