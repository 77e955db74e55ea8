/// Incremental parser for `/proc/PID/smaps`: feed it chunks that end at line
/// breaks, then call ``finish()``.
struct SmapsParser {
    private(set) var table = MappingTable()
    private var pending: Mapping?
    private var counters = MemoryCounters()
    private var interner = PathInterner()
    /// Lines that were neither a header nor `Key: value` (should stay 0).
    private(set) var strayLines = 0

    mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>) {
        ByteParsing.forEachLine(chunk) { line in
            guard let first = line.first else { return }
            if (first &- 0x30) <= 9 || (first &- 0x61) <= 5 {
                header(line)
            } else if pending != nil {
                _ = counters.parse(line)
            } else {
                strayLines += 1
            }
        }
    }

    mutating func finish() -> MappingTable {
        flush()
        table.paths = interner.paths
        return table
    }

    private mutating func flush() {
        if var mapping = pending {
            mapping.store(counters)
            table.mappings.append(mapping)
        }
        pending = nil
        counters = MemoryCounters()
    }

    /// `start-end perms offset major:minor inode   path`: a line of `maps`.
    private mutating func header(_ line: UnsafeBufferPointer<UInt8>) {
        flush()
        var mapping = Mapping()
        guard let pathStart = MapsLine.parse(line, into: &mapping) else { strayLines += 1; return }
        mapping.pathIndex = interner.intern(UnsafeBufferPointer(rebasing: line[pathStart...]))
        pending = mapping
    }
}
