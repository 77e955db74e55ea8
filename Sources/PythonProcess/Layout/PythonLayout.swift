/// Byte offsets and sizes of the CPython structures the census reads, for one
/// minor version on 64-bit Linux. Each row was measured with
/// `gdb -batch -ex 'ptype/o struct …' libpython3.X.so.1.0` on the pyenv build
/// named in ``measuredOn``; 3.13+ take what they can from `_Py_DebugOffsets`
/// (``DebugOffsets/apply(to:)``).
public struct PythonLayout: Sendable, Equatable {
    /// The build the offsets were measured on.
    public var measuredOn: String
    // _PyRuntime
    public var runtimeInterpretersHead: UInt64
    /// `_gc_runtime_state` lives in `_PyRuntime` (3.8) rather than in the interpreter (3.9+).
    public var gcInRuntime: Bool
    /// Offset of `_gc_runtime_state` in `_PyRuntime` (3.8) or `PyInterpreterState` (3.9+).
    public var gcState: UInt64
    public var interpreterThreadsHead: UInt64
    public var threadStateNext: UInt64 = 8
    /// `PyThreadState.interp` (after `prev` and `next`, 3.8+).
    public var threadStateInterpreter: UInt64 = 16
    // _gc_runtime_state (same 3.8–3.13): generations[3] of {PyGC_Head head; int threshold; int count}
    public var gcGenerations: UInt64 = 24
    public var gcPermanentGeneration: UInt64 = 104
    /// `generation_stats[3]` of {Py_ssize_t collections, collected, uncollectable} (what `gc.get_stats()` returns).
    public var gcGenerationStats: UInt64 = 128
    public var gcGenerationStatsSize: UInt64 = 24
    public var gcCollecting: UInt64 = 200
    public var gcGenerationSize: UInt64 = 24
    public var gcGenerationThreshold: UInt64 = 16
    public var gcGenerationCount: UInt64 = 20
    public var gcHeadSize: UInt64 = 16
    /// 3.15: `generation_stats` is a pointer to per-generation ring buffers, not an inline array.
    public var gcStatsArePointer = false
    /// `sizeof(_gc_runtime_state)` where `_Py_DebugOffsets` gives it (3.13+): a table
    /// checked against it, since the collector's fields moved within 3.14 (the
    /// incremental collector of 3.14.0–3.14.4 had another state).
    public var gcStateSize: UInt64?
    // PyTypeObject / PyHeapTypeObject
    public var typeName: UInt64 = 24
    public var typeBasicSize: UInt64 = 32
    public var typeItemSize: UInt64 = 40
    public var typeFlags: UInt64 = 168
    public var typeBase: UInt64 = 256
    public var typeDict: UInt64 = 264
    /// `sizeof(PyTypeObject)`: what `type.__sizeof__` counts for a static type.
    public var typeObjectSize: UInt64 = 416
    /// Where a tuple's items start: 3.14 caches the hash (`ob_hash`) before them.
    public var tupleItems: UInt64 = 24
    public var heapTypeQualname: UInt64
    public var heapTypeCachedKeys: UInt64
    /// `sizeof(PyHeapTypeObject)`: what `type.__sizeof__` counts for a heap type.
    public var heapTypeSize: UInt64
    // str
    public var unicodeLength: UInt64 = 16
    public var unicodeState: UInt64 = 32
    public var asciiObjectSize: UInt64
    public var compactUnicodeObjectSize: UInt64
    public var unicodeObjectSize: UInt64
    public var compactUTF8Length: UInt64
    public var compactUTF8: UInt64
    public var unicodeData: UInt64
    /// 3.8–3.11 keep a `wstr` cache (`wstr_length` at 40 in compact objects).
    public var hasWideString: Bool
    // dict
    public var dictKeys: UInt64 = 32
    public var dictValues: UInt64 = 40
    /// `sizeof(PyDictKeysObject)` without the indices.
    public var dictKeysHeaderSize: UInt64
    /// 3.11+ store `dk_log2_size` (byte 8), `dk_log2_index_bytes` (9) and `dk_kind` (10);
    /// 3.8–3.10 store `dk_size` as a word at 8.
    public var dictKeysLog2: Bool
    public var dictKeysUsable: UInt64
    public var dictKeysEntries: UInt64
    // set, list, tuple, int
    public var setMask: UInt64 = 32
    public var setTable: UInt64 = 40
    public var setSmallTable: UInt64 = 64
    public var listAllocated: UInt64 = 32
    /// 3.12+: `long_value.lv_tag` at 16 (digit count << 3); earlier `ob_size` at 16.
    public var longHasTag: Bool
    /// 3.11+ count zero as one digit in `int.__sizeof__`.
    public var longAtLeastOneDigit: Bool
    /// `sys.getsizeof` adds the managed dict/weakref pre-header (2 words) for
    /// types with `Py_TPFLAGS_MANAGED_DICT` (3.11) or `Py_TPFLAGS_PREHEADER` (3.12+).
    public var preheaderFlags: UInt64
    /// Fields of the stdlib types that own storage (``OwnedStorageLayout``).
    public var ownedStorage = OwnedStorageLayout.v3_8
    /// Containers' and callables' fields (``ObjectFields``), the walk's and sizing's.
    var objects = ObjectFields()

    /// The layout for `version`, or nil when memlens has none.
    public static func forVersion(_ version: PythonVersion) -> PythonLayout? {
        guard version.major == 3 else { return nil }
        switch version.minor {
        case 8: return v3_8
        case 9: return v3_9
        case 10: return v3_10
        case 11: return v3_11
        case 12: return v3_12
        case 13: return v3_13
        // 3.14.0–3.14.4 ran the incremental collector, whose state memlens has not measured.
        case 14: return (version.micro ?? 0) >= 5 ? v3_14 : nil
        case 15: return v3_15
        default: return nil
        }
    }

    static let v3_8 = PythonLayout(
        measuredOn: "3.8.18", runtimeInterpretersHead: 32, gcInRuntime: true, gcState: 344, interpreterThreadsHead: 8,
        heapTypeQualname: 864, heapTypeCachedKeys: 872, heapTypeSize: 880,
        asciiObjectSize: 48, compactUnicodeObjectSize: 72, unicodeObjectSize: 80, compactUTF8Length: 48, compactUTF8: 56,
        unicodeData: 72, hasWideString: true, dictKeysHeaderSize: 40, dictKeysLog2: false, dictKeysUsable: 24, dictKeysEntries: 32,
        longHasTag: false, longAtLeastOneDigit: false, preheaderFlags: 0)
    static let v3_9: PythonLayout = {
        var layout = v3_8
        layout.measuredOn = "3.9.18"; layout.gcInRuntime = false; layout.gcState = 616
        layout.heapTypeQualname = 856; layout.heapTypeCachedKeys = 864
        return layout
    }()
    static let v3_10: PythonLayout = {
        var layout = v3_9
        layout.measuredOn = "3.10.13"; layout.heapTypeQualname = 864; layout.heapTypeCachedKeys = 872; layout.heapTypeSize = 888
        layout.objects = ObjectFields(minor: 10)
        return layout
    }()
    static let v3_11 = PythonLayout(
        measuredOn: "3.11.7", runtimeInterpretersHead: 40, gcInRuntime: false, gcState: 648, interpreterThreadsHead: 16,
        heapTypeQualname: 864, heapTypeCachedKeys: 872, heapTypeSize: 904,
        asciiObjectSize: 48, compactUnicodeObjectSize: 72, unicodeObjectSize: 80, compactUTF8Length: 48, compactUTF8: 56,
        unicodeData: 72, hasWideString: true, dictKeysHeaderSize: 32, dictKeysLog2: true, dictKeysUsable: 16, dictKeysEntries: 24,
        longHasTag: false, longAtLeastOneDigit: true, preheaderFlags: 1 << 4)
    static let v3_12 = PythonLayout(
        measuredOn: "3.12.1", runtimeInterpretersHead: 40, gcInRuntime: false, gcState: 112, interpreterThreadsHead: 72,
        heapTypeQualname: 872, heapTypeCachedKeys: 880, heapTypeSize: 920,
        asciiObjectSize: 40, compactUnicodeObjectSize: 56, unicodeObjectSize: 64, compactUTF8Length: 40, compactUTF8: 48,
        unicodeData: 56, hasWideString: false, dictKeysHeaderSize: 32, dictKeysLog2: true, dictKeysUsable: 16, dictKeysEntries: 24,
        longHasTag: true, longAtLeastOneDigit: true, preheaderFlags: 1 << 4 | 1 << 3)
    static let v3_13: PythonLayout = {
        var layout = v3_12
        layout.measuredOn = "3.13.0"; layout.runtimeInterpretersHead = 632; layout.gcState = 7400
        layout.interpreterThreadsHead = 7344; layout.heapTypeSize = 928; layout.gcStateSize = 240
        layout.ownedStorage = .v3_13
        return layout
    }()
    /// 3.14.5+ (measured on Debian's 3.14.10): the collector's state moved (permanent
    /// generation at 96, statistics at 120, `collecting` at 192), tuples cache their hash.
    static let v3_14: PythonLayout = {
        var layout = v3_13
        layout.measuredOn = "3.14.10"; layout.runtimeInterpretersHead = 808; layout.gcState = 7408
        layout.interpreterThreadsHead = 7344; layout.gcPermanentGeneration = 96; layout.gcGenerationStats = 120
        layout.gcCollecting = 192; layout.gcStateSize = 264; layout.heapTypeSize = 936; layout.tupleItems = 32
        layout.ownedStorage = .v3_14
        return layout
    }()
    /// 3.15 (measured on Debian's 3.15.2): generations at 8, the permanent one at 80,
    /// statistics behind a pointer, a larger `PyTypeObject`.
    static let v3_15: PythonLayout = {
        var layout = v3_14
        layout.measuredOn = "3.15.2"; layout.runtimeInterpretersHead = 936; layout.gcState = 7400
        layout.interpreterThreadsHead = 7336; layout.gcGenerations = 8; layout.gcPermanentGeneration = 80
        layout.gcGenerationStats = 104; layout.gcStatsArePointer = true; layout.gcCollecting = 112; layout.gcStateSize = 176
        layout.heapTypeQualname = 880; layout.heapTypeCachedKeys = 888; layout.heapTypeSize = 944; layout.typeObjectSize = 424
        layout.ownedStorage = .v3_15
        return layout
    }()
}
