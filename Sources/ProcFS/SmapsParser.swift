/// Incremental parser for `/proc/PID/smaps`: feed it chunks that end at line
/// breaks, then call ``finish()``.
struct SmapsParser {
    private(set) var table = MappingTable()
    private var pending: Mapping?
    private var counters = MemoryCounters()
    private var pathIDs: [String: Int32] = [:]
    private var lastPath: [UInt8] = []
    private var lastPathID: Int32 = -1
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

    /// `start-end perms offset major:minor inode   path`
    private mutating func header(_ line: UnsafeBufferPointer<UInt8>) {
        flush()
        var i = 0
        let start = ByteParsing.hex(line, from: &i)
        i += 1  // '-'
        let end = ByteParsing.hex(line, from: &i)
        i += 1
        guard i + 4 <= line.count else { strayLines += 1; return }
        let permissions = Permissions(
            readable: line[i] == 0x72, writable: line[i + 1] == 0x77,
            executable: line[i + 2] == 0x78, shared: line[i + 3] == 0x73
        )
        i += 5
        let offset = ByteParsing.hex(line, from: &i)
        i = ByteParsing.find(0x20, in: line, from: i + 1)  // skip major:minor
        let inode = ByteParsing.decimal(line, from: &i)
        while i < line.count && line[i] == 0x20 { i += 1 }
        let pathID = intern(UnsafeBufferPointer(rebasing: line[i...]))
        pending = Mapping(start: start, end: end, offset: offset, inode: inode, permissions: permissions, pathIndex: pathID)
    }

    private mutating func intern(_ name: UnsafeBufferPointer<UInt8>) -> Int32 {
        if name.isEmpty { return -1 }
        if name.elementsEqual(lastPath) { return lastPathID }
        let text = String(decoding: name, as: UTF8.self)
        let id: Int32
        if let known = pathIDs[text] {
            id = known
        } else {
            id = Int32(table.paths.count)
            table.paths.append(text)
            pathIDs[text] = id
        }
        lastPath = Array(name)
        lastPathID = id
        return id
    }
}
