public import Fragmentation

/// Reads obmalloc's arena table and every carved pool header from a target's
/// memory (no code runs in the target).
public struct ArenaWalk {
    public var layout: ObmallocLayout
    public var memory: any MemorySource

    public init(layout: ObmallocLayout, memory: any MemorySource) {
        self.layout = layout
        self.memory = memory
    }

    /// Where the arena table is: `arenas`, `maxarenas` and `narenas_currently_allocated` addresses.
    public struct TableAddresses: Sendable {
        public var arenasPointer: UInt64
        public var maxArenas: UInt64
        public var currentCount: UInt64?
        public var origin: ArenaTableOrigin

        public init(arenasPointer: UInt64, maxArenas: UInt64, currentCount: UInt64?, origin: ArenaTableOrigin = .symbols) {
            self.arenasPointer = arenasPointer
            self.maxArenas = maxArenas
            self.currentCount = currentCount
            self.origin = origin
        }
    }

    /// The table by symbol where `image` has them (its `.symtab`, or separate
    /// debug symbols ``PythonImage`` loaded), else, on 3.8–3.11, by
    /// ``ArenaTableSearch`` of its writable data from a few tracked objects;
    /// `readable` is the memory the table may be in (ranges; only evaluated for a search). Search
    /// while the target is stopped, or in a copy: it may read a moving table.
    public func locateTable(image: PythonImage, readable: @autoclosure () -> [Range<UInt64>]) throws -> TableAddresses {
        do {
            return try locateTable { image.address(of: $0) }
        } catch FragmentationError.missingSymbol where layout.table == .staticSymbols {
            let blocks = try CollectorSample.blockAddresses(image: image, memory: memory)
            let search = ArenaTableSearch(layout: layout, memory: memory, dataRegions: image.writableData, readable: readable())
            return try search.find(blocks: blocks)
        }
    }

    /// Finds the table from symbol addresses already relocated into the target.
    /// `symbol` resolves `.symtab`/`.dynsym` names (`arenas`, `maxarenas`,
    /// `narenas_currently_allocated` through 3.11; `_PyRuntime` from 3.12).
    public func locateTable(symbol: (String) -> UInt64?) throws -> TableAddresses {
        switch layout.table {
        case .staticSymbols:
            guard let arenas = symbol("arenas"), let maxArenas = symbol("maxarenas") else {
                throw FragmentationError.missingSymbol("arenas/maxarenas (static symbols in .symtab: is libpython stripped?)")
            }
            return TableAddresses(arenasPointer: arenas, maxArenas: maxArenas, currentCount: symbol("narenas_currently_allocated"))
        case .interpreterState(let mainOffset, let obmallocOffset, let isPointer):
            guard let runtime = symbol("_PyRuntime") else { throw FragmentationError.missingSymbol("_PyRuntime") }
            let interpreter = try memory.pointer(at: runtime &+ mainOffset)
            guard interpreter != 0 else { throw FragmentationError.notInitialized }
            // Pointers read from the target (or a corrupt core) must not overflow the sums below.
            guard interpreter < Self.addressLimit else { throw FragmentationError.implausible("interpreter at " +
                "0x\(String(interpreter, radix: 16))") }
            var state = interpreter + obmallocOffset
            if isPointer { state = try memory.pointer(at: state) }
            guard state != 0 else { throw FragmentationError.notInitialized }
            guard state < Self.addressLimit else { throw FragmentationError.implausible("obmalloc state at 0x\(String(state, radix: 16))") }
            // struct _obmalloc_mgmt: arenas at 0, maxarenas at 8, narenas_currently_allocated at 552.
            let mgmt = state + ObmallocLayout.mgmtOffset
            return TableAddresses(arenasPointer: mgmt, maxArenas: mgmt + 8, currentCount: mgmt + 552)
        }
    }

    /// Above any user-space address (x86-64 and aarch64 use at most 57 bits).
    static let addressLimit: UInt64 = 1 << 57
    /// The most carved pools a table may claim (256 GiB of 16 KiB pools).
    static let maxPools = 1 << 24

    /// Arena objects read at once (3 MiB of table).
    static let tableChunkEntries = 65_536

    /// Reads every allocated arena and its pool headers.
    public func read(_ table: TableAddresses) throws -> ArenaMap {
        let base = try memory.pointer(at: table.arenasPointer)
        let maxArenas = try memory.bytes(at: table.maxArenas, count: 4).loadUInt32(at: 0)
        let reported = try table.currentCount.map { try memory.pointer(at: $0) }
        guard base != 0, maxArenas > 0 else { return ArenaMap(layout: layout, arenas: [], reportedArenaCount: reported) }
        guard maxArenas < 1 << 24 else { throw FragmentationError.implausible("maxarenas = \(maxArenas)") }
        let objectBytes = Int(ObmallocLayout.arenaObjectBytes)

        // Pass 1: the arena objects in use and the pools each has carved.
        // The table is read a chunk at a time: a `maxarenas` the target made up
        // costs memlens no more than the part of the table that is really there.
        var arenas: [Arena] = []
        var carved: [Int] = []           // pools carved per arena
        var headerAddresses: [UInt64] = []
        var table: [UInt8] = []
        var chunkStart = 0
        for index in 0..<Int(maxArenas) {
            if index == chunkStart + table.count / objectBytes {
                chunkStart = index
                let entries = min(Self.tableChunkEntries, Int(maxArenas) - index)
                table = try memory.bytes(at: base &+ UInt64(index * objectBytes), count: entries * objectBytes)
            }
            let at = (index - chunkStart) * objectBytes
            let address = table.loadWord(at: at + ObmallocLayout.arenaAddress)
            guard address != 0 else { continue }  // an unused arena_object
            let poolAddress = table.loadWord(at: at + ObmallocLayout.arenaPoolAddress)
            let totalPools = UInt64(table.loadUInt32(at: at + ObmallocLayout.arenaTotalPools))
            // Memory that changed or is corrupt (a core) must not overflow the arithmetic below.
            guard address < Self.addressLimit, poolAddress < Self.addressLimit else {
                throw FragmentationError.implausible("arena \(index) at 0x\(String(address, radix: 16))")
            }
            let mask = layout.poolBytes - 1
            let first = (address + mask) & ~mask
            guard totalPools <= layout.poolsPerArena, poolAddress >= first,
                  poolAddress <= first + totalPools * layout.poolBytes else {
                throw FragmentationError.implausible("arena \(index) at 0x\(String(address, radix: 16))")
            }
            let count = Int((poolAddress - first) / layout.poolBytes)
            // 2^24 pools are 256 GiB of arenas: a table claiming more is made up, and its
            // header addresses alone would take gigabytes here.
            guard headerAddresses.count + count <= Self.maxPools else {
                throw FragmentationError.implausible("more than \(Self.maxPools) carved pools in the arena table")
            }
            for i in 0..<count { headerAddresses.append(first + UInt64(i) * layout.poolBytes) }
            carved.append(count)
            let untouched = Pool(state: .untouched, sizeClass: 0, usedBlocks: 0)
            arenas.append(Arena(index: index, address: address, firstPool: first,
                                pools: [Pool](repeating: untouched, count: Int(totalPools))))
        }

        try readPoolHeaders(headerAddresses, carved: carved, into: &arenas)
        return ArenaMap(layout: layout, arenas: arenas, reportedArenaCount: reported)
    }

    /// Pass 2 of ``read(_:)``: every carved pool's header (at `headerAddresses`, `carved[a]` of them
    /// for arena `a`, in order), gathered in as few reads as possible, sets that pool's state.
    private func readPoolHeaders(_ headerAddresses: [UInt64], carved: [Int], into arenas: inout [Arena]) throws {
        let headerBytes = Int(ObmallocLayout.poolHeaderBytes)
        let (headers, unreadable) = memory.gather(headerAddresses, count: headerBytes)
        guard unreadable.isEmpty else {
            throw FragmentationError.implausible("\(unreadable.count) pool headers could not be read")
        }
        var next = 0
        for a in arenas.indices {
            for p in 0..<carved[a] {
                let at = next * headerBytes
                next += 1
                let count = headers.loadUInt32(at: at + ObmallocLayout.poolCount)
                let sizeClass = headers.loadUInt32(at: at + ObmallocLayout.poolSizeClass)
                if count == 0 {
                    arenas[a].pools[p] = Pool(state: .empty, sizeClass: 0, usedBlocks: 0)
                } else {
                    guard sizeClass < 32, UInt64(count) <= layout.blocksPerPool(sizeClass: sizeClass) else {
                        throw FragmentationError.implausible("pool header at 0x\(String(headerAddresses[next - 1], radix: 16))")
                    }
                    arenas[a].pools[p] = Pool(state: .used, sizeClass: UInt8(sizeClass), usedBlocks: count)
                }
            }
        }
    }
}
