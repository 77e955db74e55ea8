import ArgumentParser
import HeapGraph

/// The snapshot file a command reads (`summary`, `retained`, `paths`,
/// `referrers`, `cycles`, `dupes`, `suspects`, `export`): one argument,
/// spelled and explained once.
struct SnapshotFileArgument: ParsableArguments {
    @Argument(help: "Snapshot file (.mlh or meliae JSON).")
    var file: String

    /// The snapshot, or `error: …` and exit 1 (``loadSnapshot(_:contents:)``).
    func load(_ contents: SnapshotContents = .full) throws -> HeapGraph {
        try loadSnapshot(file, contents: contents)
    }
}
