import FuzzSupport
@testable import PythonProcess

/// The census walk (HeapWalk: GC lists, type names, `sys.getsizeof` rules) over a forged
/// image: selector → Python 3.8–3.13 layout, parameter 0 → `_gc_runtime_state`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let image = ForgedImage(UnsafeRawBufferPointer(start: data, count: count))
    let version = PythonVersion(major: 3, minor: 8 + Int(image.selector % 6), micro: nil)
    guard let layout = PythonLayout.forVersion(version) else { return 0 }
    let copy = HeapCopy(regions: image.regions)
    let walk = HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: layout), gcState: image.parameters[0])
    _ = try? walk.censusTotals()
    return 0
}
