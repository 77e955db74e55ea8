import FuzzSupport
@testable import HeapGraph
@testable import PythonProcess

/// The read-only snapshot's walk (GraphWalk: the census's HeapWalk over the
/// collector's lists, then every object's referents by its type's layout, the
/// untracked objects they reach, the roots) over a forged image, into a graph
/// in memory, or (selector bit 5) into frag's ``NativeOwners`` sink: the buffers
/// objects own and the mmapped chunk each is in. Selector: low bits → Python
/// 3.8–3.15 (``ForgedVersion``: 3.13+ with the image's `_Py_DebugOffsets` at
/// `_PyRuntime`), bit 6 → take parameter 1 as `subtype_traverse`, bit 7 → read
/// values. Parameters: `_gc_runtime_state`, `_PyRuntime`, the interpreter state.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let image = ForgedImage(UnsafeRawBufferPointer(start: data, count: count))
    let p = image.parameters
    let copy = HeapCopy(regions: image.regions)
    guard let version = ForgedVersion(selector: image.selector, memory: copy, runtime: p[1]),
          let graph = GraphLayout.forVersion(version.version, offsets: version.offsets) else { return 0 }
    let reader = ObjectReader(memory: copy, layout: version.layout)
    let heap = HeapWalk(copy: copy, reader: reader, gcState: p[0])
    let subtypeTraverse = image.selector & 0x40 != 0 ? p[1] : nil
    if image.selector & 0x20 != 0 {
        let walker = GraphWalk(walk: heap, graph: graph, runtime: p[1], interpreter: p[2], values: false, sink: OwnerSink(reader: reader))
        guard (try? walker.run(subtypeTraverse: subtypeTraverse)) != nil else { return 0 }
        for claim in walker.sink.claims { _ = NativeOwners.mmappedRegion(around: claim.address, copy) }
        return 0
    }
    let walker = GraphWalk(walk: heap, graph: graph, runtime: p[1], interpreter: p[2], values: image.selector & 0x80 != 0,
                           sink: HeapGraphBuilder(metadata: SnapshotMetadata(source: "fuzz")))
    guard (try? walker.run(subtypeTraverse: subtypeTraverse)) != nil else { return 0 }
    let sink = walker.sink
    _ = sink.finish()
    return 0
}
