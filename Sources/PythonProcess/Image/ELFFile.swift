import SafeFiles
import SystemPackage

/// The headers of a 64-bit little-endian ELF file (executable, shared library
/// or core): its program headers and section headers. Cheap: reads only the
/// header tables.
public struct ELFFile: Sendable {
    /// One program header (`PT_LOAD`, `PT_NOTE`, …).
    public struct Segment: Sendable {
        public var type: UInt32
        public var flags: UInt32
        public var offset: UInt64
        public var virtualAddress: UInt64
        public var fileSize: UInt64
        public var memorySize: UInt64
    }

    /// One section header.
    public struct Section: Sendable {
        public var name: String
        public var type: UInt32
        public var address: UInt64
        public var offset: UInt64
        public var size: UInt64
        public var link: UInt32
    }

    /// `PT_LOAD`.
    public static let loadSegment: UInt32 = 1
    /// `PT_NOTE`.
    public static let noteSegment: UInt32 = 4

    public let path: String
    /// The file's length in bytes.
    public let byteCount: UInt64
    /// `e_type`: 2 executable, 3 shared object / PIE, 4 core.
    public let fileType: UInt16
    public let segments: [Segment]
    public let sections: [Section]

    /// Reads the headers of `path`. Every table is checked against the
    /// file's length: a short file throws `.badELF` naming the offset.
    public init(path: String) throws(ProcessAccessError) {
        self.path = path
        let fd: FileDescriptor
        let length: UInt64
        do {
            // Never blocks: a FIFO or a device is refused before anything is read.
            let (opened, size) = try RegularFile.open(path)
            (fd, length) = (opened, UInt64(clamping: size))
        } catch {
            throw .badELF(path: path, detail: error.reason)
        }
        defer { try? fd.close() }
        byteCount = length
        func read(_ offset: UInt64, _ count: Int) throws(ProcessAccessError) -> [UInt8] {
            try Self.read(fd, path: path, length: length, offset: offset, count: UInt64(count))
        }
        let header = try read(0, Int(min(64, length)))
        guard header.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else { throw .badELF(path: path, detail: "not an ELF file") }
        guard header.count == 64 else { throw .badELF(path: path,
            detail: "truncated: the ELF header needs 64 bytes, the file ends at \(length)") }
        guard header[4] == 2, header[5] == 1 else { throw .badELF(path: path, detail: "not 64-bit little-endian") }
        fileType = header.le(UInt16.self, 16)
        let phoff = header.le(UInt64.self, 0x20), shoff = header.le(UInt64.self, 0x28)
        let phentsize = Int(header.le(UInt16.self, 0x36)), phnum = Int(header.le(UInt16.self, 0x38))
        let shentsize = Int(header.le(UInt16.self, 0x3A)), shnum = Int(header.le(UInt16.self, 0x3C))
        let shstrndx = Int(header.le(UInt16.self, 0x3E))

        var segments: [Segment] = []
        if phnum > 0, phentsize >= 56 {
            let table = try read(phoff, phnum * phentsize)
            for i in 0..<phnum {
                let b = i * phentsize
                segments.append(Segment(type: table.le(UInt32.self, b), flags: table.le(UInt32.self, b + 4),
                                        offset: table.le(UInt64.self, b + 8), virtualAddress: table.le(UInt64.self, b + 16),
                                        fileSize: table.le(UInt64.self, b + 32), memorySize: table.le(UInt64.self, b + 40)))
            }
        }
        self.segments = segments

        var sections: [Section] = []
        if shnum > 0, shentsize >= 64, shoff > 0 {
            let table = try read(shoff, shnum * shentsize)
            var raw: [(UInt32, Section)] = []
            for i in 0..<shnum {
                let b = i * shentsize
                raw.append((table.le(UInt32.self, b), Section(
                    name: "", type: table.le(UInt32.self, b + 4), address: table.le(UInt64.self, b + 16),
                    offset: table.le(UInt64.self, b + 24), size: table.le(UInt64.self, b + 32), link: table.le(UInt32.self, b + 40))))
            }
            let names = shstrndx < raw.count ? try Self.read(fd, path: path, length: length, offset: raw[shstrndx].1.offset,
                count: raw[shstrndx].1.size) : []
            for (nameOffset, var section) in raw {
                section.name = names.cString(at: Int(nameOffset))
                sections.append(section)
            }
        }
        self.sections = sections
    }

    /// The bytes of `section` from the file.
    func contents(of section: Section) throws(ProcessAccessError) -> [UInt8] {
        try bytes(at: section.offset, count: section.size)
    }

    /// `count` bytes of the file from `offset`; throws `.badELF` naming the
    /// offset when the file is shorter.
    public func bytes(at offset: UInt64, count: UInt64) throws(ProcessAccessError) -> [UInt8] {
        let fd: FileDescriptor
        do { fd = try RegularFile.open(path).descriptor } catch {
            throw .badELF(path: path, detail: error.reason)
        }
        defer { try? fd.close() }
        return try Self.read(fd, path: path, length: byteCount, offset: offset, count: count)
    }

    /// `count` bytes of `fd` from `offset`, checked against the file's `length` first.
    static func read(_ fd: FileDescriptor, path: String, length: UInt64, offset: UInt64,
        count: UInt64) throws(ProcessAccessError) -> [UInt8] {
        guard offset <= length, count <= length - offset, count < 1 << 40 else {
            throw .badELF(path: path, detail: "truncated: needs bytes up to offset \(offset &+ count), the file ends at \(length)")
        }
        do {
            let bytes = try FileBytes.read(fd, offset: offset, count: Int(count))
            if bytes.count == Int(count) { return bytes }
        } catch { throw .badELF(path: path, detail: "\(error)") }
        throw .badELF(path: path, detail: "truncated at offset \(offset)")
    }

    /// The lowest `PT_LOAD` virtual address, rounded down to a page: what the
    /// mapping at file offset 0 corresponds to.
    public var firstLoadAddress: UInt64? {
        segments.filter { $0.type == Self.loadSegment }.map(\.virtualAddress).min().map { $0 & ~0xFFF }
    }
}

extension Array where Element == UInt8 {
    /// The NUL-terminated string at byte `offset`.
    func cString(at offset: Int) -> String {
        guard offset >= 0, offset < count else { return "" }
        let end = self[offset...].firstIndex(of: 0) ?? count
        return String(decoding: self[offset..<end], as: UTF8.self)
    }
}
