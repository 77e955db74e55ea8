import FuzzSupport
@testable import HeapGraph

let file = ScratchFile(name: "input.json")

/// The meliae JSON-lines reader, called directly (the loader would send most
/// mutations to "not a snapshot" before the reader sees them).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    file.write(UnsafeRawBufferPointer(start: data, count: count))
    guard let input = try? InputFile(path: file.path) else { return 0 }
    defer { input.close() }
    _ = try? MeliaeReader.read(file: input, contents: .full)
    return 0
}
