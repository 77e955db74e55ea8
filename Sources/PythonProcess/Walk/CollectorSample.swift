/// A few objects the collector tracks, found without symbols beyond
/// `_PyRuntime`: what locates obmalloc's pools in a stripped interpreter
/// (a tracked object's block starts with its `PyGC_Head`).
public enum CollectorSample {
    /// The `PyGC_Head` addresses of up to `perEnd` objects from each end of
    /// each generation list and the permanent one (`gc.freeze()`), in list order.
    /// Reads stop quietly at a pointer that cannot be read: this is a sample.
    public static func blockAddresses(image: PythonImage, memory: any MemorySource,
        perEnd: Int = 32) throws(ProcessAccessError) -> [UInt64] {
        let state = try InterpreterState(image: image, memory: memory, pid: 0)
        let layout = state.layout
        var heads = (0..<3).map { state.gcState &+ layout.gcGenerations &+ UInt64($0) &* layout.gcGenerationSize }
        heads.append(state.gcState &+ layout.gcPermanentGeneration)
        var result: [UInt64] = []
        for head in heads {
            // `_gc_next` forward from the head, `_gc_prev` (flags in its low bits) backward.
            for (offset, mask) in [(UInt64(0), ~UInt64(7)), (8, ~UInt64(7))] {
                var node = head
                for _ in 0..<perEnd {
                    guard let next = try? memory.pointer(at: node &+ offset) else { break }
                    node = next & mask
                    guard node != head, node != 0 else { break }
                    result.append(node)
                }
            }
        }
        return result
    }
}
