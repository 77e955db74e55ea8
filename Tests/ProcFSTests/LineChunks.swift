/// Calls `consume` with line-aligned chunks of about `chunk` bytes of `bytes`,
/// as `ProcFile.stream` feeds the parsers.
func feedLineAligned(_ bytes: [UInt8], chunk: Int, _ consume: (UnsafeBufferPointer<UInt8>) -> Void) {
    var start = 0
    bytes.withUnsafeBufferPointer { all in
        while start < all.count {
            var end = min(start + chunk, all.count)
            while end < all.count && all[end - 1] != 0x0A { end += 1 }
            consume(UnsafeBufferPointer(rebasing: all[start..<end]))
            start = end
        }
    }
}
