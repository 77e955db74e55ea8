extension PythonImage {
    /// Where the image's writable data (`.data`, `.bss`: its writable
    /// `PT_LOAD` segments) lies in the target, file-static variables included.
    public var writableData: [Range<UInt64>] {
        symbols.file.segments.filter { $0.type == ELFFile.loadSegment && $0.flags & 2 != 0 && $0.memorySize < 1 << 32 }.compactMap {
            let start = $0.virtualAddress &+ loadBias, end = start &+ $0.memorySize
            return end > start ? start..<end : nil
        }
    }
}
