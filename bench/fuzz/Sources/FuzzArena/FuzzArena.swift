import Fragmentation
import FuzzSupport
import PythonProcess

/// obmalloc's arena table over a forged image: selector bit 7 picks the
/// stripped-interpreter search (blocks = the three parameters, the first region
/// is the image's data), else the walk from symbols (parameters: `arenas`,
/// `maxarenas`, `narenas_currently_allocated` or 0 through 3.11, `_PyRuntime`
/// from 3.12); the low three bits pick 3.8–3.15. Then frag's block scan of the
/// arenas found (every used pool read, its blocks named by ``TypeNames``, with
/// `PyType_Type` at the last region's start; selector bit 6: `tp_name` and
/// `tp_basicsize` at the offsets in that region's first two words, as a
/// target's `_Py_DebugOffsets` would give them).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let image = ForgedImage(UnsafeRawBufferPointer(start: data, count: count))
    let minor = 8 + Int(image.selector & 7)
    guard let layout = ObmallocLayout.forVersion(major: 3, minor: minor, micro: 10),
          var python = PythonLayout.forVersion(PythonVersion(major: 3, minor: minor, micro: 10)) else { return 0 }
    let memory = HeapCopy(regions: image.regions)
    let p = image.parameters
    var map: ArenaMap?
    if image.selector & 0x80 != 0 {
        let search = ArenaTableSearch(layout: layout, memory: memory, dataRegions: Array(image.ranges.prefix(1)), readable: image.ranges)
        if let table = try? search.find(blocks: p) {
            map = try? ArenaWalk(layout: layout, memory: memory).read(table)
        }
    } else {
        let symbols = ["arenas": p[0], "_PyRuntime": p[0], "maxarenas": p[1], "narenas_currently_allocated": p[2]]
        let walk = ArenaWalk(layout: layout, memory: memory)
        if let table = try? walk.locateTable(symbol: { symbols[$0].flatMap { $0 == 0 ? nil : $0 } }) {
            map = try? walk.read(table)
        }
    }
    guard let map, let typeType = image.ranges.last?.lowerBound else { return 0 }
    _ = map.usedBytes
    if image.selector & 0x40 != 0 {
        python.typeName = (try? memory.pointer(at: typeType)) ?? 0
        python.typeBasicSize = (try? memory.pointer(at: typeType &+ 8)) ?? 0
    }
    let types = TypeNames(memory: memory, typeType: typeType, layout: python)
    _ = Pinning.readObjects(map, threshold: 1, memory: memory, types: types)
    return 0
}
