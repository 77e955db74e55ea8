/// `_Py_DebugOffsets`, the table CPython 3.13+ publishes at `_PyRuntime+0`
/// for out-of-process tools: a cookie `xdebugpy`, the version, whether the
/// build is free-threaded, then one `uint64_t` per field in the order
/// ``DebugOffsetsFields`` lists for that version. The one reader of it: the
/// census and walk layouts (``apply(to:)``) and `sys.remote_exec`'s protocol
/// (``RemoteDebugOffsets``) take their offsets from here.
public struct DebugOffsets: Sendable, Equatable {
    /// `PY_VERSION_HEX` of the interpreter that wrote the table.
    public var versionHex: UInt64
    public var freeThreaded: Bool
    /// Every field of the table, by `group.field` name (`thread_state.next`).
    public var fields: [String: UInt64]

    /// How many bytes of `_PyRuntime` to read: the largest table memlens knows (3.15's).
    public static let byteCount = 888

    /// The version a table names, from its first 16 bytes; nil without the cookie.
    public static func version(ofTable bytes: [UInt8]) -> PythonVersion? {
        guard bytes.count >= 16, bytes.starts(with: Array("xdebugpy".utf8)) else { return nil }
        return PythonVersion(hex: UInt32(truncatingIfNeeded: bytes.le(UInt64.self, 8)))
    }

    /// Parses the table from the first bytes of `_PyRuntime`; nil when the
    /// cookie is absent, the version has no field list, or `bytes` is too short.
    public init?(bytes: [UInt8]) {
        guard let version = Self.version(ofTable: bytes), version.major == 3,
              let names = DebugOffsetsFields.names(minor: version.minor), bytes.count >= 24 + 8 * names.count else { return nil }
        versionHex = bytes.le(UInt64.self, 8)
        freeThreaded = bytes.le(UInt64.self, 16) != 0
        var fields: [String: UInt64] = [:]
        for (index, name) in names.enumerated() { fields[name] = bytes.le(UInt64.self, 24 + 8 * index) }
        self.fields = fields
    }

    /// The value of field `name` (`group.field`), nil when this version's table has none.
    public subscript(_ name: String) -> UInt64? { fields[name] }

    /// The interpreter version the table names.
    public var version: PythonVersion { PythonVersion(hex: UInt32(truncatingIfNeeded: versionHex)) }

    public var runtimeInterpretersHead: UInt64 { fields["runtime_state.interpreters_head"] ?? 0 }
    public var interpreterThreadsHead: UInt64 { fields["interpreter_state.threads_head"] ?? 0 }
    public var interpreterGC: UInt64 { fields["interpreter_state.gc"] ?? 0 }
    public var threadStateNext: UInt64 { fields["thread_state.next"] ?? 0 }
    public var typeName: UInt64 { fields["type_object.tp_name"] ?? 0 }
    public var typeFlags: UInt64 { fields["type_object.tp_flags"] ?? 0 }
    /// `collecting` within `_gc_runtime_state`.
    public var gcCollecting: UInt64 { fields["gc.collecting"] ?? 0 }

    /// `layout` with every offset the table gives replacing the measured one.
    public func apply(to layout: PythonLayout) -> PythonLayout {
        var result = layout
        func set(_ path: WritableKeyPath<PythonLayout, UInt64>, _ name: String) {
            if let value = fields[name] { result[keyPath: path] = value }
        }
        set(\.runtimeInterpretersHead, "runtime_state.interpreters_head")
        set(\.interpreterThreadsHead, "interpreter_state.threads_head")
        set(\.gcState, "interpreter_state.gc")
        set(\.threadStateNext, "thread_state.next")
        set(\.typeName, "type_object.tp_name")
        set(\.typeFlags, "type_object.tp_flags")
        set(\.typeBasicSize, "type_object.tp_basicsize")
        set(\.heapTypeSize, "heap_type_object.size")
        set(\.heapTypeCachedKeys, "heap_type_object.ht_cached_keys")
        set(\.gcCollecting, "gc.collecting")
        set(\.unicodeLength, "unicode_object.length")
        set(\.unicodeState, "unicode_object.state")
        set(\.asciiObjectSize, "unicode_object.asciiobject_size")
        set(\.compactUnicodeObjectSize, "unicode_object.compactunicodeobject_size")
        set(\.dictKeys, "dict_object.ma_keys")
        set(\.dictValues, "dict_object.ma_values")
        set(\.setMask, "set_object.mask")
        set(\.setTable, "set_object.table")
        set(\.tupleItems, "tuple_object.ob_item")
        set(\.objects.listItems, "list_object.ob_item")
        set(\.objects.varSize, "list_object.ob_size")
        return result
    }
}
