import FuzzSupport
@testable import PythonProcess

/// The census walk (HeapWalk: GC lists, type names, `sys.getsizeof` rules, numpy arrays and
/// the stdlib types that own storage) over a forged image: selector → Python 3.8–3.15 layout
/// (``ForgedVersion``: 3.13+ with the image's `_Py_DebugOffsets` at parameter 1), parameter 0 → `_gc_runtime_state`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let image = ForgedImage(UnsafeRawBufferPointer(start: data, count: count))
    let copy = HeapCopy(regions: image.regions)
    guard let version = ForgedVersion(selector: image.selector, memory: copy, runtime: image.parameters[1]) else { return 0 }
    let walk = HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: version.layout), gcState: image.parameters[0])
    _ = try? walk.censusTotals()
    return 0
}
