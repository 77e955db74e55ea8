import FuzzSupport
import HeapGraph

let file = ScratchFile(name: "input.mlh")

/// The `.mlh` reader, through `SnapshotLoader` as every report opens a file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    file.write(UnsafeRawBufferPointer(start: data, count: count))
    if let graph = try? SnapshotLoader.load(path: file.path) {
        _ = graph.count
    }
    _ = try? SnapshotLoader.load(path: file.path, contents: .objects)
    return 0
}
