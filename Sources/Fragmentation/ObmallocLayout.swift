/// Where CPython's small-object allocator (obmalloc) keeps its arenas, and
/// the sizes it carves them into, for one Python version on x86-64 Linux.
///
/// Measured with gdb `ptype/o` on pyenv's libpython 3.8–3.13 (DWARF):
/// `struct arena_object` and `struct pool_header` are 48 bytes with the same
/// fields in every version; what moves is where the `arenas` array lives.
public struct ObmallocLayout: Sendable, Equatable {
    /// Where the arena table is found.
    public enum TableLocation: Sendable, Equatable {
        /// 3.8–3.11: the static (`.symtab`) globals `arenas` and `maxarenas`.
        case staticSymbols
        /// 3.12+: `_PyRuntime.interpreters.main` → `interp->obmalloc.mgmt`.
        /// `obmallocIsPointer`: 3.13 holds a pointer to the state, 3.12 embeds it.
        case interpreterState(mainInterpreterOffset: UInt64, obmallocOffset: UInt64, obmallocIsPointer: Bool)
    }

    public var major: Int
    public var minor: Int
    /// Bytes per arena: 256 KiB up to 3.9, 1 MiB from 3.10.
    public var arenaBytes: UInt64
    /// Bytes per pool: 4 KiB up to 3.9, 16 KiB from 3.10.
    public var poolBytes: UInt64
    public var table: TableLocation

    /// `sizeof(struct arena_object)`.
    public static let arenaObjectBytes: UInt64 = 48
    /// `sizeof(struct pool_header)`, which is also POOL_OVERHEAD (48 is a multiple of ALIGNMENT).
    public static let poolHeaderBytes: UInt64 = 48
    /// ALIGNMENT: size classes step by 16 bytes from 3.8 on x86-64.
    public static let alignmentBytes: UInt64 = 16
    /// Largest block pymalloc serves (SMALL_REQUEST_THRESHOLD) from 3.8.
    public static let largestBlockBytes: UInt64 = 512
    /// 3.8–3.11: `maxarenas` starts at INITIAL_ARENA_OBJECTS and doubles
    /// each time the table grows (`new_arena`), so it is always 16 × 2^k.
    public static let initialArenaObjects: UInt64 = 16
    /// Offsets in `struct arena_object` (3.8–3.13): address, pool_address,
    /// nfreepools, ntotalpools, freepools, nextarena, prevarena.
    package static let arenaAddress = 0, arenaPoolAddress = 8, arenaFreePools = 16, arenaTotalPools = 20
    package static let arenaFreePoolList = 24, arenaNext = 32, arenaPrevious = 40
    /// Offsets in `struct pool_header` (3.8–3.13): ref.count, arenaindex, szidx, nextoffset, maxnextoffset.
    package static let poolCount = 0, poolArenaIndex = 32, poolSizeClass = 36, poolNextOffset = 40, poolMaxNextOffset = 44
    /// Offset of `mgmt` (`struct _obmalloc_mgmt`) in `struct _obmalloc_state`, 3.12 and 3.13.
    package static let mgmtOffset: UInt64 = 0x200

    /// The layout for CPython `major.minor.micro`, or nil where it was not
    /// measured (3.14 before 3.14.5, whose interpreter state was laid out otherwise).
    public static func forVersion(major: Int, minor: Int, micro: Int? = nil) -> ObmallocLayout? {
        guard major == 3 else { return nil }
        let small = minor <= 9
        let arena: UInt64 = small ? 256 << 10 : 1 << 20
        let pool: UInt64 = small ? 4 << 10 : 16 << 10
        switch minor {
        case 8...11:
            return ObmallocLayout(major: 3, minor: minor, arenaBytes: arena, poolBytes: pool, table: .staticSymbols)
        case 12:
            // offsetof(_PyRuntime, interpreters.main) = 0x30; offsetof(struct _is, obmalloc) = 0xf78 (embedded).
            return ObmallocLayout(major: 3, minor: 12, arenaBytes: arena, poolBytes: pool,
                                  table: .interpreterState(mainInterpreterOffset: 0x30, obmallocOffset: 0xf78, obmallocIsPointer: false))
        case 13:
            // offsetof(_PyRuntime, interpreters.main) = 0x280; struct _is holds `struct _obmalloc_state *obmalloc` at 0x2a30.
            return ObmallocLayout(major: 3, minor: 13, arenaBytes: arena, poolBytes: pool,
                                  table: .interpreterState(mainInterpreterOffset: 0x280, obmallocOffset: 0x2a30, obmallocIsPointer: true))
        case 14 where (micro ?? 0) >= 5:
            // Debian's 3.14.10: interpreters.main at 0x330, the obmalloc pointer at 0x2a98 (3.14.4 and 3.14.5 moved it).
            return ObmallocLayout(major: 3, minor: 14, arenaBytes: arena, poolBytes: pool,
                                  table: .interpreterState(mainInterpreterOffset: 0x330, obmallocOffset: 0x2a98, obmallocIsPointer: true))
        case 15:
            // Debian's 3.15.2: interpreters.main at 0x3b0, the obmalloc pointer at 0x2a80.
            return ObmallocLayout(major: 3, minor: 15, arenaBytes: arena, poolBytes: pool,
                                  table: .interpreterState(mainInterpreterOffset: 0x3b0, obmallocOffset: 0x2a80, obmallocIsPointer: true))
        default:
            return nil
        }
    }

    /// Pools in a fully carved arena: one fewer when the mmap'd base is not pool-aligned.
    public var poolsPerArena: UInt64 { arenaBytes / poolBytes }

    /// Block size of size class `index` (`szidx`): (index + 1) × ALIGNMENT.
    public static func blockBytes(sizeClass index: UInt32) -> UInt64 { UInt64(index + 1) * alignmentBytes }

    /// Blocks a pool of this layout holds in size class `index`.
    public func blocksPerPool(sizeClass index: UInt32) -> UInt64 {
        (poolBytes - Self.poolHeaderBytes) / Self.blockBytes(sizeClass: index)
    }
}
