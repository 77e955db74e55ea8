/// The symbols of an ELF file, from `.dynsym` and `.symtab` both (static
/// variables such as obmalloc's `arenas` are only in `.symtab`). Addresses are
/// file virtual addresses (`st_value`); add the load bias for the runtime
/// address (``PythonProcess/address(of:)`` does). A stripped file's static
/// symbols can come from its separate debug file (``init(file:debugRoots:)``).
///
///     let symbols = try ELFSymbols(path: "/usr/lib/libpython3.11.so.1.0")
///     symbols.address(of: "_PyRuntime")      // 0x54e540
///     symbols["arenas"]?.size
public struct ELFSymbols: Sendable {
    /// A defined symbol.
    public struct Symbol: Sendable, Equatable {
        public var address: UInt64
        public var sizeBytes: UInt64
        /// `STB_LOCAL` (file-static) rather than global or weak.
        public var isLocal: Bool
    }

    /// The file the symbols were read from.
    public let file: ELFFile
    /// The separate debug file (``DebugSymbolFile``) whose `.symtab` was read too, if any.
    public let debugFile: String?
    private let table: [String: Symbol]

    /// Reads every defined symbol of `path`. A global symbol wins over a local
    /// one of the same name; among locals the first wins.
    public init(path: String) throws(ProcessAccessError) {
        try self.init(file: ELFFile(path: path))
    }

    public init(file: ELFFile) throws(ProcessAccessError) {
        self.file = file
        debugFile = nil
        var table: [String: Symbol] = [:]
        try Self.read(file, into: &table)
        self.table = table
    }

    /// The symbols of `file` and, where it has no `.symtab` (stripped), of its
    /// separate debug file under `debugRoots` when one is installed; the
    /// image's own symbols win over the debug file's.
    public init(file: ELFFile, debugRoots: [String]) throws(ProcessAccessError) {
        self.file = file
        var table: [String: Symbol] = [:]
        try Self.read(file, into: &table)
        var debugFile: String?
        if !file.sections.contains(where: { $0.type == 2 }), let path = DebugSymbolFile.path(for: file, roots: debugRoots),
           let debug = try? ELFFile(path: path) {
            var extra: [String: Symbol] = [:]
            if (try? Self.read(debug, into: &extra)) != nil, !extra.isEmpty {
                table.merge(extra) { own, _ in own }
                debugFile = path
            }
        }
        self.debugFile = debugFile
        self.table = table
    }

    /// Adds the defined symbols of `file`'s `.symtab` and `.dynsym` to `table`.
    private static func read(_ file: ELFFile, into table: inout [String: Symbol]) throws(ProcessAccessError) {
        for section in file.sections where section.type == 2 || section.type == 11 {  // SHT_SYMTAB, SHT_DYNSYM
            guard Int(section.link) < file.sections.count else { continue }
            let symbols = try file.contents(of: section)
            let strings = try file.contents(of: file.sections[Int(section.link)])
            var offset = 24  // entry 0 is the null symbol
            while offset + 24 <= symbols.count {
                defer { offset += 24 }
                let sectionIndex = symbols.le(UInt16.self, offset + 6)
                let nameOffset = Int(symbols.le(UInt32.self, offset))
                guard sectionIndex != 0, nameOffset != 0 else { continue }  // undefined or unnamed
                let name = strings.cString(at: nameOffset)
                let symbol = Symbol(address: symbols.le(UInt64.self, offset + 8), sizeBytes: symbols.le(UInt64.self, offset + 16),
                                    isLocal: symbols[offset + 4] >> 4 == 0)
                if let old = table[name], !(old.isLocal && !symbol.isLocal) { continue }
                table[name] = symbol
            }
        }
    }

    /// The symbol called `name`, if defined.
    public subscript(name: String) -> Symbol? { table[name] }

    /// The file virtual address of `name`, if defined.
    public func address(of name: String) -> UInt64? { table[name]?.address }

    /// How many symbols were read.
    public var count: Int { table.count }
}
