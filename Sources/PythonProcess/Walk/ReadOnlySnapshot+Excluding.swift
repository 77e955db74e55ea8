public import HeapGraph

extension ReadOnlySnapshot {
    /// ``write(pid:to:values:progress:)`` for a snapshot the target asked for
    /// (`memlens run`): the objects at `excluded` (what delivering the signal
    /// made in it) are left out, and the file is renamed into place only if
    /// `keep()` still holds once the walk is done. Nil, and no file left
    /// behind, when it does not.
    public static func write(pid: Int32, to path: String, values: Bool, excluding excluded: Set<UInt64>,
                             keep: () -> Bool) throws -> ReadOnlySnapshot? {
        var sink = ExcludingSink(base: try MLHWriter(path: path, metadata: SnapshotMetadata()), excluded: excluded)
        var snapshot = try take(pid: pid, values: values, into: &sink, progress: { _ in })
        snapshot.objectCount -= sink.droppedObjects
        snapshot.edgeCount -= sink.droppedEdges
        guard keep() else { return nil }  // the writer, dropped uncommitted, removes its temporary file
        try commit(sink.base, into: &snapshot)
        return snapshot
    }
}
