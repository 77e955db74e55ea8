import ProcessModels
import Reports
import SafeFiles

/// `watch --jsonl`: every record appended to the file as the watch makes it,
/// so a reader tailing the file follows the watch. The file is created new
/// (``StreamOutput``: never over an existing file or through a link) before
/// the watch starts. A failed write stops the stream; ``finish(_:)`` reports it.
final class WatchStream: @unchecked Sendable {  // written by the watcher's thread, finished by the command's after it
    private let output: StreamOutput
    private var failure: (any Error)?

    init(path: String) throws { output = try StreamOutput(path: path) }

    func write(_ record: TimelineRecord) {
        guard failure == nil else { return }
        do { try output.write(Array(try TimelineReport.jsonlLine(record).utf8)) } catch { failure = error }
    }

    /// Writes the `end` record and closes the file; throws the first failure.
    func finish(_ timeline: Timeline) throws {
        if failure == nil {
            do { try output.write(Array(try TimelineReport.jsonlEnd(timeline).utf8)) } catch { failure = error }
        }
        try output.close()
        if let failure { throw failure }
    }
}
