import FuzzSupport
import PythonProcess

let file = ScratchFile(name: "core")

/// The core-file reader (program headers, notes, NT_FILE), then its memory
/// read into a `HeapCopy` and probed at the addresses the core names.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    file.write(UnsafeRawBufferPointer(start: data, count: count))
    guard let core = try? CoreFile(path: file.path) else { return 0 }
    _ = core.executable
    guard let copy = try? HeapCopy(core: core, fallback: nil) else { return 0 }
    for segment in core.segments {
        for address in [segment.address, segment.address &+ segment.size &- 1, segment.address &+ segment.size &- 8] {
            _ = copy.word(at: address)
            _ = copy.contains(address, count: 8)
            _ = try? copy.pointer(at: address)
            _ = try? copy.cString(at: address, maxLength: 64)
        }
    }
    return 0
}
