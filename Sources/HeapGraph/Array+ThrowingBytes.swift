extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws only `SnapshotError`.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(SnapshotError) -> R) throws(SnapshotError) -> R {
        var result: Result<R, SnapshotError>?
        withUnsafeBytes { raw in
            result = Result { () throws(SnapshotError) -> R in try body(raw) }
        }
        return try result!.get()
    }
}
