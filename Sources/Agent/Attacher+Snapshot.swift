import Foundation
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
            try moveIntoPlace(job.folder + "/snapshot.mlh", to: output)
            return job.status
        }
        let fields = Dictionary(status.split(separator: " ").compactMap { field -> (String, String)? in
            let parts = field.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        return Result(
            objects: Int(fields["objects"] ?? "") ?? 0, bytes: Int(fields["bytes"] ?? "") ?? 0,
            dumpSeconds: Double(fields["seconds"] ?? "") ?? 0, totalSeconds: Date().timeIntervalSince(started),
            python: fields["python"] ?? "?")
    }

    static func moveIntoPlace(_ source: String, to destination: String) throws {
        if rename(source, destination) == 0 { return }
        // Another file system (a container's /tmp): copy to a temporary name, then rename.
        let temporary = destination + ".tmp-\(getpid())"
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw AttachError.cannotWrite(path: destination, detail: String(cString: strerror(errno))) }
        defer { close(input) }
        let outputFD = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard outputFD >= 0 else { throw AttachError.cannotWrite(path: destination, detail: String(cString: strerror(errno))) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var ok = true
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, 1 << 20) }
            if n == 0 { break }
            if n < 0 || buffer.withUnsafeBytes({ write(outputFD, $0.baseAddress, n) }) != n { ok = false; break }
        }
        ok = ok && fsync(outputFD) == 0
        close(outputFD)
        guard ok, rename(temporary, destination) == 0 else {
            unlink(temporary)
            throw AttachError.cannotWrite(path: destination, detail: String(cString: strerror(errno)))
        }
        unlink(source)
    }
}
