import ProcessModels
/// An ELF core file (`ET_CORE`, written by the kernel or gdb's `gcore`): the
/// memory it holds (`PT_LOAD` segments with bytes in the file), the files the
/// process had mapped (`NT_FILE`), its pid (`NT_PRPSINFO`), its OS threads (one
/// `NT_PRSTATUS` each) and its entry point (`NT_AUXV`). Every offset and size
/// is checked against the file's length: a short or corrupt file throws
/// `.coreFile` naming the byte offset.
///
///     let core = try CoreFile(path: "core.12345")
///     core.executable?.path      // "/usr/bin/python3.11"
///     core.threadCount            // 3
public struct CoreFile: Sendable {
    /// Memory the core holds: `size` bytes for `address`, at `fileOffset` in the core.
    public struct Segment: Sendable, Equatable {
        public var address: UInt64
        public var fileOffset: UInt64
        public var size: UInt64
    }

    /// A file the process had mapped at `start ..< end`, from byte `fileOffset` of the file.
    public struct MappedFile: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        public var fileOffset: UInt64
        public var path: String
    }

    public let path: String
    /// The core's length in bytes.
    public let byteCount: UInt64
    /// Segments with bytes in the file, by address.
    public let segments: [Segment]
    public let files: [MappedFile]
    /// The process id (`NT_PRPSINFO`, else the first `NT_PRSTATUS`).
    public let pid: Int32?
    /// OS threads of the process when the core was written (`NT_PRSTATUS` notes).
    public let threadCount: Int
    /// `AT_ENTRY` from the auxiliary vector: the executable's entry point.
    public let entryPoint: UInt64?

    /// `NT_*` note types read here (owner `CORE`).
    static let prstatus: UInt32 = 1, prpsinfo: UInt32 = 3, auxv: UInt32 = 6, file: UInt32 = 0x4649_4C45

    /// Reads the headers and notes of the core at `path` (not the memory: ``segments`` say where it is).
    public init(path: String) throws(ProcessAccessError) {
        self.path = path
        let elf: ELFFile
        do { elf = try ELFFile(path: path) } catch { throw Self.inCore(error, path: path) }
        guard elf.fileType == 4 else {
            throw .coreFile(path: path, detail: "an ELF file of type \(elf.fileType), not a core file (type 4)")
        }
        byteCount = elf.byteCount
        var segments: [Segment] = []
        var notes: [Note] = []
        for segment in elf.segments {
            if segment.type == ELFFile.loadSegment, segment.fileSize > 0 {
                guard segment.offset <= elf.byteCount, segment.fileSize <= elf.byteCount - segment.offset else {
                    throw .coreFile(path: path, detail: "truncated: the memory at 0x\(String(segment.virtualAddress, radix: 16)) "
                        + "needs bytes up to offset \(segment.offset &+ segment.fileSize), the file ends at \(elf.byteCount)")
                }
                guard segment.virtualAddress <= UInt64.max - segment.fileSize else {
                    throw .coreFile(path: path, detail: "corrupt program header: a segment at " +
                        "0x\(String(segment.virtualAddress, radix: 16)) runs past the address space")
                }
                segments.append(Segment(address: segment.virtualAddress, fileOffset: segment.offset, size: segment.fileSize))
            } else if segment.type == ELFFile.noteSegment {
                let bytes: [UInt8]
                do { bytes = try elf.bytes(at: segment.offset, count: segment.fileSize) } catch { throw Self.inCore(error, path: path) }
                notes += try Self.notes(bytes, at: segment.offset, path: path)
            }
        }
        self.segments = segments.sorted { $0.address < $1.address }
        let core = notes.filter { $0.owner == "CORE" }
        var files: [MappedFile] = []
        for note in core where note.type == Self.file { files += try Self.mappedFiles(note.bytes, at: note.offset, path: path) }
        self.files = files
        let statuses = core.filter { $0.type == Self.prstatus }
        threadCount = statuses.count
        let info = core.first { $0.type == Self.prpsinfo }
        pid = info.map { Int32(truncatingIfNeeded: $0.bytes.le(UInt32.self, 24)) }
            ?? statuses.first.map { Int32(truncatingIfNeeded: $0.bytes.le(UInt32.self, 32)) }
        entryPoint = core.first { $0.type == Self.auxv }.flatMap { note in
            stride(from: 0, to: note.bytes.count - 15, by: 16).first { note.bytes.le(UInt64.self, $0) == 9 }  // AT_ENTRY
                .map { note.bytes.le(UInt64.self, $0 + 8) }
        }
    }

    /// The mapped file holding the entry point: the executable.
    public var executable: MappedFile? {
        entryPoint.flatMap { entry in files.first { $0.start <= entry && entry < $0.end } }
    }

    /// One ELF note: owner name, type, descriptor bytes, and where the descriptor starts in the file.
    struct Note { var owner: String; var type: UInt32; var bytes: [UInt8]; var offset: UInt64 }

    /// The notes of a `PT_NOTE` segment read from file offset `base`.
    static func notes(_ bytes: [UInt8], at base: UInt64, path: String) throws(ProcessAccessError) -> [Note] {
        var result: [Note] = []
        var at = 0
        while at + 12 <= bytes.count {
            let nameSize = Int(bytes.le(UInt32.self, at)), descSize = Int(bytes.le(UInt32.self, at + 4))
            let nameStart = at + 12, descStart = nameStart + ((nameSize + 3) & ~3), next = descStart + ((descSize + 3) & ~3)
            guard descStart + descSize <= bytes.count else {
                throw .coreFile(path: path, detail: "corrupt note at offset \(base + UInt64(at)): its sizes run past the note segment")
            }
            result.append(Note(owner: bytes.cString(at: nameStart), type: bytes.le(UInt32.self, at + 8),
                               bytes: Array(bytes[descStart..<descStart + descSize]), offset: base + UInt64(descStart)))
            at = next
        }
        return result
    }

    /// The entries of an `NT_FILE` note: count, page size, count × (start, end, page offset), then the names.
    static func mappedFiles(_ bytes: [UInt8], at offset: UInt64, path: String) throws(ProcessAccessError) -> [MappedFile] {
        let count = Int(clamping: bytes.le(UInt64.self, 0)), pageSize = bytes.le(UInt64.self, 8)
        guard count <= bytes.count / 24, pageSize > 0, pageSize < 1 << 30 else {
            throw .coreFile(path: path, detail: "corrupt NT_FILE note at offset \(offset)")
        }
        var files: [MappedFile] = []
        var name = 16 + count * 24
        for i in 0..<count {
            guard name < bytes.count, let end = bytes[name...].firstIndex(of: 0) else {
                throw .coreFile(path: path, detail: "corrupt NT_FILE note at offset \(offset): \(count - i) names missing")
            }
            let entry = 16 + i * 24
            let (pages, overflow) = bytes.le(UInt64.self, entry + 16).multipliedReportingOverflow(by: pageSize)
            guard !overflow else { throw .coreFile(path: path, detail: "corrupt NT_FILE note at offset \(offset)") }
            files.append(MappedFile(start: bytes.le(UInt64.self, entry), end: bytes.le(UInt64.self, entry + 8), fileOffset: pages,
                                    path: String(decoding: bytes[name..<end], as: UTF8.self)))
            name = end + 1
        }
        return files
    }

    /// An error reading the core's ELF headers, said of the core.
    static func inCore(_ error: ProcessAccessError, path: String) -> ProcessAccessError {
        guard case .badELF(_, let detail) = error else { return error }
        return .coreFile(path: path, detail: HintedText(detail == "not an ELF file" ? "not a core file (no ELF header)" : detail))
    }
}
