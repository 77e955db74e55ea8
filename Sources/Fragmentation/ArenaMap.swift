/// One pool of an arena, as its header says.
public struct Pool: Sendable, Equatable {
    public enum State: UInt8, Sendable {
        /// Holds at least one allocated block.
        case used
        /// Carved once, now with no allocated block (on the arena's free list).
        case empty
        /// Never carved: the arena has not reached it yet (never touched, so not resident).
        case untouched
    }

    public var state: State
    /// Size class (`szidx`): blocks of (sizeClass + 1) × 16 bytes. Meaningful for used pools.
    public var sizeClass: UInt8
    /// Allocated blocks (`ref.count`).
    public var usedBlocks: UInt32

    public init(state: State, sizeClass: UInt8, usedBlocks: UInt32) {
        self.state = state
        self.sizeClass = sizeClass
        self.usedBlocks = usedBlocks
    }

    /// Bytes in allocated blocks.
    public var usedBytes: UInt64 { UInt64(usedBlocks) * ObmallocLayout.blockBytes(sizeClass: UInt32(sizeClass)) }
}

/// One pymalloc arena: its address and its pools in address order.
public struct Arena: Sendable {
    /// Index in the interpreter's `arenas` table.
    public var index: Int
    /// Start of the arena's mapping (`arena_object.address`).
    public var address: UInt64
    /// Address of the first pool (the start rounded up to a pool boundary).
    public var firstPool: UInt64
    public var pools: [Pool]

    public init(index: Int, address: UInt64, firstPool: UInt64, pools: [Pool]) {
        self.index = index
        self.address = address
        self.firstPool = firstPool
        self.pools = pools
    }

    /// Bytes in allocated blocks.
    public var usedBytes: UInt64 { pools.reduce(0) { $0 + $1.usedBytes } }
    /// Allocated blocks.
    public var usedBlocks: UInt64 { pools.reduce(0) { $0 + UInt64($1.usedBlocks) } }
    /// Pools holding at least one block.
    public var usedPools: Int { pools.reduce(0) { $0 + ($1.state == .used ? 1 : 0) } }
    /// Address of pool `i`.
    public func poolAddress(_ i: Int, layout: ObmallocLayout) -> UInt64 { firstPool + UInt64(i) * layout.poolBytes }
}

/// Every live arena of an interpreter, read from its memory.
public struct ArenaMap: Sendable {
    public var layout: ObmallocLayout
    public var arenas: [Arena]
    /// `narenas_currently_allocated` as the interpreter counts it (a cross-check of ``arenas``).
    public var reportedArenaCount: UInt64?

    public init(layout: ObmallocLayout, arenas: [Arena], reportedArenaCount: UInt64?) {
        self.layout = layout
        self.arenas = arenas
        self.reportedArenaCount = reportedArenaCount
    }

    /// Virtual bytes of all arenas.
    public var arenaBytes: UInt64 { UInt64(arenas.count) * layout.arenaBytes }
    /// Bytes in allocated blocks of all arenas.
    public var usedBytes: UInt64 { arenas.reduce(0) { $0 + $1.usedBytes } }

    /// The arena holding `address`, if any (arenas sorted by address on demand).
    public func arenaIndex(containing address: UInt64, sorted: [Int]) -> Int? {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if arenas[sorted[mid]].address <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0 else { return nil }
        let candidate = sorted[low - 1]
        return address < arenas[candidate].address + layout.arenaBytes ? candidate : nil
    }
}

/// How pymalloc's arena table was found.
public enum ArenaTableOrigin: String, Sendable {
    /// Symbols: the image's own, or its separate debug symbols; 3.12+ through `_PyRuntime`.
    case symbols
    /// A search of the image's writable data (3.8–3.11 without symbols).
    case search
}
