
extension MemorySource {
    /// Many small spans, each `count` bytes, concatenated in order; a span
    /// that cannot be read is zero-filled and its index returned in `unreadable`.
    /// The live process is read with vectored `process_vm_readv` (1,024 spans
    /// a call); other sources one span at a time.
    public func gather(_ addresses: [UInt64], count: Int) -> (bytes: [UInt8], unreadable: Set<Int>) {
        var out = [UInt8](repeating: 0, count: addresses.count * count)
        var unreadable = Set<Int>()
        guard !out.isEmpty else { return (out, unreadable) }
        out.withUnsafeMutableBytes { raw in
            var first = 0
            while first < addresses.count {
                let last = min(addresses.count, first + ProcessMemory.maxSpans)
                if let live = self as? ProcessMemory,
                   live.readSpans(addresses[first..<last], count: count, into: raw.baseAddress! + first * count) {
                    first = last
                    continue
                }
                for i in first..<last {
                    let slice = UnsafeMutableRawBufferPointer(rebasing: raw[(i * count)..<((i + 1) * count)])
                    do { try read(at: addresses[i], into: slice) } catch { unreadable.insert(i) }
                }
                first = last
            }
        }
        return (out, unreadable)
    }
}
