/// `_Py_DebugOffsets`, the table CPython 3.13+ publishes at `_PyRuntime+0`
/// for out-of-process tools (PEP 768's groundwork): a cookie `xdebugpy`, the
/// version, then one group of offsets per structure. Offsets below are those
/// of the 3.13.0 struct (`ptype/o struct _Py_DebugOffsets`); 3.14 appends groups.
public struct DebugOffsets: Sendable, Equatable {
    /// `PY_VERSION_HEX` of the interpreter that wrote the table.
    public var versionHex: UInt64
    public var freeThreaded: Bool
    public var runtimeInterpretersHead: UInt64
    public var interpreterThreadsHead: UInt64
    public var interpreterGC: UInt64
    public var threadStateNext: UInt64
    public var typeName: UInt64
    public var typeFlags: UInt64
    /// `collecting` within `_gc_runtime_state`.
    public var gcCollecting: UInt64

    /// How many bytes of `_PyRuntime` to read to parse the table.
    public static let byteCount = 584

    /// Parses the table from the first bytes of `_PyRuntime`; nil when the cookie is absent.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.byteCount, bytes.starts(with: Array("xdebugpy".utf8)) else { return nil }
        func word(_ offset: Int) -> UInt64 { bytes.le(UInt64.self, offset) }
        versionHex = word(8)
        freeThreaded = word(16) != 0
        runtimeInterpretersHead = word(40)
        interpreterThreadsHead = word(72)
        interpreterGC = word(80)
        threadStateNext = word(168)
        typeName = word(376)
        typeFlags = word(392)
        gcCollecting = word(576)
    }

    /// The interpreter version the table names.
    public var version: PythonVersion { PythonVersion(hex: UInt32(truncatingIfNeeded: versionHex)) }

    /// `layout` with every offset the table gives replacing the measured one.
    public func apply(to layout: PythonLayout) -> PythonLayout {
        var result = layout
        result.runtimeInterpretersHead = runtimeInterpretersHead
        result.interpreterThreadsHead = interpreterThreadsHead
        result.gcState = interpreterGC
        result.threadStateNext = threadStateNext
        result.typeName = typeName
        result.typeFlags = typeFlags
        result.gcCollecting = gcCollecting
        return result
    }
}
