import Foundation
import ProcessModels
import PythonProcess
#if canImport(Glibc)
import Glibc
#endif

/// `memlens run`'s snapshots, taken by memlens from outside when the target
/// asks (`python/memlens/handoff.py`). The agent's handler for the signal,
/// and its `--snapshot-at-exit` hook, write `snapshot ID…` on a socket memlens
/// passed it (a descriptor, never a path) and wait for one byte: `w` when
/// memlens has written the snapshot, `a` when the agent should dump in-process.
/// memlens, the target's parent, may ptrace it even under Yama scope 1; the
/// read-only walk pauses it only while its memory is copied, and its main
/// thread only until the file is written, as the in-process dump did.
///
/// What the target writes is untrusted: a request is one short line, parsed
/// strictly (``SnapshotRequest``); anything else is ignored with one line. The
/// ids in a request only leave objects out of the target's own snapshot.
final class SnapshotHandoff: @unchecked Sendable {
    private let pid: Int32
    private let socket: Int32
    private let outputFolder: String
    private let values: Bool
    private let onReport: @Sendable (AgentReport) -> Void
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var snapshotting = false
    // The serving thread's own.
    private var fallenBack = false
    private var taken = 0
    private var ignoredAny = false

    /// Serves the requests arriving on `socket` (memlens's end, closed when the
    /// target's end is) for `pid`, writing `outputFolder/PID-N.mlh`.
    init(pid: Int32, socket: Int32, outputFolder: String, values: Bool, onReport: @escaping @Sendable (AgentReport) -> Void) {
        (self.pid, self.socket, self.outputFolder, self.values, self.onReport) = (pid, socket, outputFolder, values, onReport)
        Thread { [self] in
            serve()
            done.signal()
        }.start()
    }

    /// Waits, once the target has exited, for a snapshot still being written
    /// (the walk of a copy always ends), else at most `graceSeconds` for the
    /// socket to close (a child the target forked may still hold it).
    func finish(graceSeconds: Double) {
        while done.wait(timeout: .now() + graceSeconds) == .timedOut {
            if !lock.withLock({ snapshotting }) { return }
        }
    }

    private func serve() {
        var lines = RequestLines()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            for line in lines.append(buffer[0..<n]) {
                guard let line, let request = SnapshotRequest(line: line) else {
                    if !ignoredAny { onReport(AgentReport(memlens: "the target wrote something other than a snapshot request on its " +
                        "snapshot socket: ignored (and any more, silently)")) }
                    ignoredAny = true
                    continue
                }
                lock.withLock { snapshotting = true }
                answer(take(request))
                lock.withLock { snapshotting = false }
            }
        }
        close(socket)
    }

    /// Takes the snapshot; the byte to answer with (nil: the target has ended, nobody waits).
    private func take(_ request: SnapshotRequest) -> UInt8? {
        if fallenBack { return UInt8(ascii: "a") }
        let path = nextPath()
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            guard let snapshot = try ReadOnlySnapshot.write(pid: pid, to: path, values: values, excluding: request.excluded,
                                                            keep: { [pid] in !ChildProcess.hasEnded(pid) }) else {
                onReport(AgentReport(memlens: "the target ended before \(path) was complete; nothing was written"))
                return nil
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            onReport(AgentReport(memlens: "snapshot \(path) objects=\(snapshot.objectCount) bytes=\(bytes) "
                + "seconds=\(String(format: "%.3f", seconds))", snapshotPath: path))
        } catch {
            if ChildProcess.hasEnded(pid) {
                onReport(AgentReport(memlens: "the target ended during its snapshot; nothing was written"))
                return nil
            }
            guard error is ProcessAccessError else {
                onReport(AgentReport(memlens: "cannot write \(path): \(error)"))
                return UInt8(ascii: "w")
            }
            fallenBack = true
            onReport(AgentReport(memlens: "the read-only walk cannot take this snapshot: \(error). The agent dumps it, and the next "
                + "ones, inside the target (run \(UsageHint.agentDump) starts that way)"))
            return UInt8(ascii: "a")
        }
        return UInt8(ascii: "w")
    }

    /// The next `PID-N.mlh` in the output folder that names nothing yet (not even a link).
    private func nextPath() -> String {
        var status = stat()
        while true {
            taken += 1
            let path = outputFolder + "/\(pid)-\(taken).mlh"
            if lstat(path, &status) != 0 { return path }
        }
    }

    /// Sends `byte`; never raises SIGPIPE (the target may be gone).
    private func answer(_ byte: UInt8?) {
        guard var byte else { return }
        _ = send(socket, &byte, 1, Int32(MSG_NOSIGNAL))
    }
}

/// One request the target wrote: `snapshot` and at most ``maxAddresses``
/// decimal addresses (of objects to leave out), separated by single spaces,
/// in at most ``maxLineBytes``; nothing else is a request.
package struct SnapshotRequest: Equatable, Sendable {
    /// The longest request line, without its newline.
    package static let maxLineBytes = 1024
    /// The most addresses in one request.
    package static let maxAddresses = 32
    /// The objects to leave out of the snapshot.
    package var excluded: Set<UInt64>

    /// The request `line` (without its newline) holds; nil if it is not one.
    package init?(line: some Collection<UInt8>) {
        guard line.count <= Self.maxLineBytes else { return nil }
        let words = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard let first = words.first, first.elementsEqual("snapshot".utf8), words.count - 1 <= Self.maxAddresses else { return nil }
        var excluded: Set<UInt64> = []
        for word in words.dropFirst() {
            guard (1...20).contains(word.count), word.allSatisfy({ (0x30...0x39).contains($0) }),
                  let address = UInt64(String(decoding: word, as: UTF8.self)) else { return nil }
            excluded.insert(address)
        }
        self.excluded = excluded
    }
}

/// Splits what the target writes into lines: each complete line, or nil for
/// one longer than ``SnapshotRequest/maxLineBytes`` (its bytes are not kept).
struct RequestLines {
    private var pending: [UInt8] = []
    private var overlong = false

    /// The lines `bytes` completes.
    mutating func append(_ bytes: ArraySlice<UInt8>) -> [[UInt8]?] {
        pending += bytes
        var lines: [[UInt8]?] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            lines.append(overlong ? nil : Array(pending[..<newline]))
            overlong = false
            pending.removeSubrange(...newline)
        }
        if pending.count > SnapshotRequest.maxLineBytes {
            overlong = true
            pending.removeAll()
        }
        return lines
    }
}
