/// One line of `/proc/PID/maps` — also the header line of each mapping in
/// `smaps`: `start-end perms offset major:minor inode   path`, every number
/// in hexadecimal except the inode.
enum MapsLine {
    /// Parses the fields of `line` into `mapping` (its counters are left as
    /// they are) and returns where the path starts (`line.count` when the
    /// mapping has no name), or nil when `line` is not in this format.
    @inline(__always)
    static func parse(_ line: UnsafeBufferPointer<UInt8>, into mapping: inout Mapping) -> Int? {
        var i = 0
        let count = line.count
        mapping.start = ByteParsing.hex(line, from: &i)
        guard i > 0, i < count, line[i] == 0x2D else { return nil }  // '-'
        i += 1
        let endStart = i
        mapping.end = ByteParsing.hex(line, from: &i)
        guard i > endStart, i + 6 <= count, line[i] == 0x20, line[i + 5] == 0x20 else { return nil }
        mapping.permissions = Permissions(
            readable: line[i + 1] == 0x72, writable: line[i + 2] == 0x77,
            executable: line[i + 3] == 0x78, shared: line[i + 4] == 0x73
        )
        i += 6
        let offsetStart = i
        mapping.offset = ByteParsing.hex(line, from: &i)
        guard i > offsetStart, i < count, line[i] == 0x20 else { return nil }
        i += 1
        let majorStart = i
        let major = ByteParsing.hex(line, from: &i)
        guard i > majorStart, i < count, line[i] == 0x3A else { return nil }  // ':'
        i += 1
        let minorStart = i
        let minor = ByteParsing.hex(line, from: &i)
        guard i > minorStart, i < count, line[i] == 0x20 else { return nil }
        mapping.device = UInt32(truncatingIfNeeded: major) << 20 | UInt32(truncatingIfNeeded: minor) & 0xF_FFFF
        i += 1
        guard i < count, line[i] &- 0x30 <= 9 else { return nil }
        mapping.inode = ByteParsing.decimal(line, from: &i)
        while i < count && line[i] == 0x20 { i += 1 }
        return i
    }
}

/// Interns mapping names: consecutive mappings of one file (the usual case)
/// compare bytes with the last name instead of hashing a new String.
struct PathInterner {
    private(set) var paths: [String] = []
    private var ids: [String: Int32] = [:]
    private var lastPath: [UInt8] = []
    private var lastID: Int32 = -1

    /// The index of `name` in ``paths``; -1 for an empty name.
    @inline(__always)
    mutating func intern(_ name: UnsafeBufferPointer<UInt8>) -> Int32 {
        if name.isEmpty { return -1 }
        if name.elementsEqual(lastPath) { return lastID }
        let text = String(decoding: name, as: UTF8.self)
        let id: Int32
        if let known = ids[text] {
            id = known
        } else {
            id = Int32(paths.count)
            paths.append(text)
            ids[text] = id
        }
        lastPath = Array(name)
        lastID = id
        return id
    }
}

/// Incremental parser for `/proc/PID/maps`: feed it chunks that end at line
/// breaks, then call ``finish()``. Mappings come back with zero counters (maps
/// has none; the kernel prints it without walking page tables, so it is far
/// cheaper than `smaps`).
struct MapsParser {
    private var table = MappingTable()
    private var interner = PathInterner()
    /// Lines that were not in the maps format (should stay 0).
    private(set) var strayLines = 0

    mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>) {
        ByteParsing.forEachLine(chunk) { line in
            guard !line.isEmpty else { return }
            var mapping = Mapping()
            guard let pathStart = MapsLine.parse(line, into: &mapping) else {
                strayLines += 1
                return
            }
            mapping.pathIndex = interner.intern(UnsafeBufferPointer(rebasing: line[pathStart...]))
            table.mappings.append(mapping)
        }
    }

    mutating func finish() -> MappingTable {
        table.paths = interner.paths
        return table
    }
}

extension ProcReader {
    /// Every mapping of process `pid` from `/proc/PID/maps`: addresses,
    /// permissions, offset, device, inode and name, without counters.
    public static func maps(pid: Int32) throws(ProcFSError) -> MappingTable {
        let file = ProcFile(pid: pid, name: "maps")
        var parser = MapsParser()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        do {
            try file.stream(buffer: &buffer) { parser.consume($0) }
        } catch {
            throw file.error(error)
        }
        return parser.finish()
    }

    /// How many mappings process `pid` has: the lines of `/proc/PID/maps`,
    /// counted without parsing them.
    public static func mappingCount(pid: Int32) throws(ProcFSError) -> Int {
        let file = ProcFile(pid: pid, name: "maps")
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var lines = 0
        do {
            try file.stream(buffer: &buffer) { chunk in
                ByteParsing.forEachLine(chunk) { line in if !line.isEmpty { lines += 1 } }
            }
        } catch {
            throw file.error(error)
        }
        return lines
    }
}
