import Fragmentation
import FuzzSupport
import PythonProcess

/// obmalloc's arena table over a forged image: selector bit 7 picks the
/// stripped-interpreter search (blocks = the three parameters, the first region
/// is the image's data), else the walk from symbols (parameters: `arenas`,
/// `maxarenas`, `narenas_currently_allocated` or 0 through 3.11, `_PyRuntime`
/// from 3.12); the low bits pick 3.8–3.13.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let image = ForgedImage(UnsafeRawBufferPointer(start: data, count: count))
    guard let layout = ObmallocLayout.forVersion(major: 3, minor: 8 + Int(image.selector & 0x7F) % 6) else { return 0 }
    let memory = HeapCopy(regions: image.regions)
    let p = image.parameters
    if image.selector & 0x80 != 0 {
        let search = ArenaTableSearch(layout: layout, memory: memory, dataRegions: Array(image.ranges.prefix(1)), readable: image.ranges)
        if let table = try? search.find(blocks: p) {
            _ = try? ArenaWalk(layout: layout, memory: memory).read(table)
        }
    } else {
        let symbols = ["arenas": p[0], "_PyRuntime": p[0], "maxarenas": p[1], "narenas_currently_allocated": p[2]]
        let walk = ArenaWalk(layout: layout, memory: memory)
        if let table = try? walk.locateTable(symbol: { symbols[$0].flatMap { $0 == 0 ? nil : $0 } }),
           let map = try? walk.read(table) {
            _ = map.usedBytes
        }
    }
    return 0
}
