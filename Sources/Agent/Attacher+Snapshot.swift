import Foundation
import ProcFS
import SafeFiles
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

extension Attacher {
    /// What `snapshot` reports.
    public struct Result: Sendable {
        public var objects: Int
        public var bytes: Int
        /// Time the agent spent in the target (its main thread's pause), in seconds.
        public var dumpSeconds: Double
        /// From the command to the snapshot written, in seconds.
        public var totalSeconds: Double
        public var python: String
    }

    /// Writes a snapshot of process `pid` to `output` (mode 0600).
    /// `progress` gets one line per phase. Gives up after `timeoutSeconds` of
    /// waiting for a safe point, leaving the target as it was.
    public static func snapshot(
        pid: Int32, output: String, values: Bool, timeoutSeconds: Double,
        progress: (String) -> Void
    ) throws -> Result {
        let started = Date()
        let interrupts = InterruptGuard()
        let job = Job(source: "memlens/snapshot.py", entry: "dump_for_attach", pausesGC: true,
                      settings: ["VALUES": values ? "True" : "False"])
        let status = try run(job, pid: pid, timeoutSeconds: timeoutSeconds, interrupts: interrupts, progress: progress) { job in
            // dump_for_attach writes FOLDER/snapshot.mlh.
            try copyOut(job.folder, "snapshot.mlh", to: output, pid: pid)
            return job.status
        }
        let fields = Dictionary(status.split(separator: " ").compactMap { field -> (String, String)? in
            let parts = field.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        return Result(
            // The agent's status line comes from inside the target: counts at least 0, seconds finite and bounded.
            objects: max(0, Int(fields["objects"] ?? "") ?? 0), bytes: max(0, Int(fields["bytes"] ?? "") ?? 0),
            dumpSeconds: (Double(fields["seconds"] ?? "").flatMap { $0.isFinite ? min(max($0, 0), 1e6) : nil }) ?? 0,
            totalSeconds: Date().timeIntervalSince(started),
            python: fields["python"] ?? "?")
    }

    /// Copies the regular file `name` the target wrote in `folder` to
    /// `destination` (a new temporary file beside it, renamed into place).
    /// The target's file is copied, never renamed: it belongs to the target's
    /// user. What comes back from a target is bounded: at most twice the
    /// target's virtual size (a dump holds less than the heap it describes),
    /// and never more than ``copyLimitBytes``; a larger file is refused.
    static func copyOut(_ folder: Directory, _ name: String, to destination: String, pid: Int32) throws {
        let virtual = (try? ProcReader.status(pid: pid))?.virtualBytes ?? UInt64(copyLimitBytes)
        let twice = virtual.multipliedReportingOverflow(by: 2)
        let limit = Int(min(twice.overflow ? .max : twice.partialValue, UInt64(copyLimitBytes)))
        try folder.copyRegularFile(name, to: destination, limitBytes: max(limit, 64 << 20))
    }

    /// The most memlens copies back from a target, whatever its size (16 GiB).
    static let copyLimitBytes = 16 << 30
}
