import Foundation
import Fragmentation
import ProcessModels
import PythonProcess

/// The last census of each exported process. A census stops the process
/// briefly, so it is taken in the background at most every `interval`, never
/// during a scrape; a scrape reads what is here.
final class CensusCache: @unchecked Sendable {
    struct Entry {
        var result: CensusResult?
        /// Why the last try failed (a short reason for a label), if it did.
        var errorReason: String?
        var takenAt: ContinuousClock.Instant
    }

    let interval: Duration
    private let lock = NSLock()
    private var entries: [TargetKey: Entry] = [:]

    init(interval: Duration) { self.interval = interval }

    func entry(for key: TargetKey) -> Entry? { lock.withLock { entries[key] } }

    /// Takes a census of every target in `keys` whose entry is missing or
    /// older than the interval, one after another; forgets processes not in `keys`.
    func refresh(_ keys: [TargetKey], now: () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        let wanted = Set(keys)
        let due = lock.withLock { () -> [TargetKey] in
            entries = entries.filter { wanted.contains($0.key) }
            return keys.filter { key in entries[key].map { now() - $0.takenAt >= interval } ?? true }
        }
        for key in due {
            var entry = Entry(result: nil, errorReason: nil, takenAt: now())
            do {
                entry.result = try Census.take(pid: key.pid, maxAttempts: 5, amend: CensusArenas.amend)
            } catch {
                entry.errorReason = Self.reason(error)
            }
            entry.takenAt = now()
            lock.withLock { entries[key] = entry }
        }
    }

    /// A short, bounded reason for a label.
    static func reason(_ error: ProcessAccessError) -> String {
        switch error {
        case .noSuchProcess, .exited: return "exited"
        case .permissionDenied, .alreadyTraced: return "permission_denied"
        case .notPython: return "not_python"
        case .unsupportedVersion, .freeThreaded: return "unsupported_python"
        case .alwaysCollecting: return "always_collecting"
        default: return "unreadable"
        }
    }
}

/// A process: its pid and start time (a reused pid is another process).
struct TargetKey: Hashable, Sendable {
    var pid: Int32
    var startTicks: UInt64
}
