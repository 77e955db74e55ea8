import Foundation
import ProcFS

/// Another tracer (a debugger, strace) holding a process: the kernel then
/// refuses every other attach, whatever memlens's rights.
public struct Tracer: Sendable, Equatable {
    /// The tracer's pid (`TracerPid:` of /proc/PID/status).
    public var pid: Int32
    /// Its command name (/proc/TRACER/comm); nil when gone or unreadable.
    public var name: String?

    /// The process tracing `pid` now, nil when none (or when it is memlens itself).
    public static func of(_ pid: Int32) -> Tracer? {
        guard let tracer = (try? ProcReader.status(pid: pid))?.tracerPID, tracer != 0, tracer != getpid() else { return nil }
        return Tracer(pid: tracer, name: name(of: tracer))
    }

    /// The command name of process `pid`, control characters shown as `?`:
    /// it is that process's own choice (prctl PR_SET_NAME).
    static func name(of pid: Int32) -> String? {
        guard let comm = try? ProcReader.commandName(pid: pid) else { return nil }
        let bytes = comm.prefix { $0 != 0x0A }.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// One sentence for after "error: ", the same from every command.
    public func refusal(of target: Int32) -> String {
        "process \(target) is already traced by process \(pid) (\(name ?? "a debugger or strace")); a process has one tracer at " +
            "a time: detach it and retry"
    }
}
