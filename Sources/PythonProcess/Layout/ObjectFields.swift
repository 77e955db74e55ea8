/// Where the read-only walk finds the fields of CPython's containers and
/// callables whose `tp_traverse` it follows: offsets within the object (or
/// within what it points to), the same on 64-bit Linux from 3.8 to 3.15
/// unless a field's note says otherwise (measured with `gdb ptype/o` on each
/// pyenv build and on Debian's 3.14.10 and 3.15.2, checked against
/// `gc.get_referents` by the snapshot tests, and `sys.getsizeof` by the sizing tests). ``PythonLayout`` holds one; the
/// list's fields come from the target's `_Py_DebugOffsets` where it publishes them.
struct ObjectFields: Sendable, Equatable {
    /// `PyObject_HEAD`: where an object's own fields start, past `ob_refcnt` and `ob_type`.
    var headerBytes: UInt64 = 16
    /// `ob_type`.
    var type: UInt64 = 8
    /// `PyVarObject.ob_size` (tuples, lists, longs, bytes); a dict's `ma_used` sits there too.
    var varSize: UInt64 = 16
    /// The managed `__dict__`/weakref pre-header `sys.getsizeof` adds (3.11+), in bytes.
    var preheaderBytes: UInt64 = 16
    /// `PyDescrObject.d_type`: the type a method descriptor belongs to.
    var descriptorType: UInt64 = 16
    /// `PyLongObject.ob_digit` (`int.__sizeof__`'s base), a digit's bytes, and 3.12+'s `lv_tag` bits below the digit count.
    var longDigits: UInt64 = 24
    var longDigitBytes: UInt64 = 4
    var longTagBits: UInt64 = 3
    /// 3.8–3.10 `PyCodeObject`: `co_code`, `co_cellvars`, `co_cell2arg`, `co_opcache`, `co_opcache_size`
    /// (a byte), and an opcache entry's bytes: what its `__sizeof__` adds to the object.
    var legacyCodeBytes: UInt64 = 48
    var legacyCodeCellVars: UInt64 = 88
    var legacyCodeCell2Arg: UInt64 = 96
    var legacyCodeOpcache: UInt64 = 160
    var legacyCodeOpcacheSize: UInt64 = 172
    var legacyCodeOpcacheEntryBytes: UInt64 = 32
    /// `PyBytesObject.ob_sval` (after `ob_shash`), and `PyFloatObject.ob_fval`.
    var bytesData: UInt64 = 32
    var floatValue: UInt64 = 16
    /// 3.11+ `PyDictKeysObject`: `dk_log2_size`, `dk_log2_index_bytes` and `dk_kind` (bytes).
    var dictKeysLog2Size: UInt64 = 8
    var dictKeysLog2IndexBytes: UInt64 = 9
    var dictKeysKind: UInt64 = 10
    /// `PyListObject.ob_item`: the item array's pointer.
    var listItems: UInt64 = 24
    /// `sizeof(PyDictObject)`: where a dict subclass written in C keeps its own fields.
    var dictBytes: UInt64 = 48
    /// `defdictobject.default_factory`.
    var defaultDictFactory: UInt64 = 48
    /// A set's table entry: {key, hash}.
    var setEntryBytes: UInt64 = 16
    var setEntryHash: UInt64 = 8
    /// `lru_cache_object.root.next` (the object is the ring's root), and in a link:
    /// its key and result, and (3.10+, where a link is an object of a heap type) its type.
    var lruNext: UInt64 = 24
    var lruLinkFields: [UInt64] = [40, 48]
    /// `PyModuleObject.md_dict` and `md_def`.
    var moduleDict: UInt64 = 16
    var moduleDef: UInt64 = 24
    /// `PyModuleDef.m_size` and `m_traverse` (3.8–3.14); 3.15 keeps the state's size at 56 and its traverse at 64
    /// in the module itself (``GraphLayout/moduleStateInModule``).
    var moduleStateSize: UInt64 = 56
    var moduleDefTraverse: UInt64 = 80
    var moduleOwnTraverse: UInt64 = 64
    /// `PyCFunctionObject`: `m_ml` (its `PyMethodDef`), `m_self` and `m_module`; `PyCMethodObject.mm_class` (3.9+).
    var cFunctionMethodDef: UInt64 = 16
    var cFunctionFields: [UInt64] = [24, 32]
    var cMethodClass: UInt64 = 56
    /// `PyMemberDef`: its size, and its `type` and `offset` fields (a class's `__slots__`).
    var memberDefBytes: UInt64 = 40
    var memberDefType: UInt64 = 8
    var memberDefOffset: UInt64 = 16
    /// `PyMethodDef.ml_flags`, and `METH_METHOD` in them.
    var methodDefFlags: UInt64 = 16
    var methMethodFlag: Int32 = 0x200
    /// The managed `__dict__` pointer before an object (3.11+ pre-header), and 3.11's values pointer.
    var managedDictBack: UInt64 = 24
    var managedValuesBack311: UInt64 = 32
    /// 3.13+ inline values: a header word {capacity, size, embedded, valid} before the values.
    var inlineValuesHeaderBytes: UInt64 = 8
    /// `PyODictObject.od_first` and `od_inst_dict`; a node's key (0) and next node.
    var orderedDictFirst: UInt64 = 48
    var orderedDictInstanceDict: UInt64 = 96
    var orderedDictNodeNext: UInt64 = 16
    /// `PyODictObject.od_fast_nodes_size` (slots), and a node's bytes (key, hash, prev, next).
    var orderedDictFastNodesSize: UInt64 = 72
    var orderedDictNodeBytes: UInt64 = 32
    /// `dequeobject.leftblock` and `leftindex`; a block holds `dequeBlockItems` items after its
    /// `leftlink` and is followed by `rightlink`.
    var dequeLeftBlock: UInt64 = 24
    var dequeLeftIndex: UInt64 = 40
    var dequeBlockItems: UInt64 = 64
    var dequeBlockFirstItem: UInt64 = 8
    var dequeBlockRightLink: UInt64 = 520
    /// 3.8–3.10 `PyFrameObject`: `f_builtins`, `f_globals`, `f_locals`; `f_trace` (3.10: 72, 3.8–3.9: 80);
    /// 3.10's `f_stackdepth` (an int at 80) or 3.8–3.9's `f_stacktop` (a pointer at 72).
    var frameObjectFields: [UInt64] = [40, 48, 56]
    var frameObjectTrace: UInt64 = 80
    var frameObjectStackDepth310: UInt64 = 80
    var frameObjectStackTop: UInt64 = 72

    /// The fields of 3.8–3.9 and 3.11+.
    init() {}

    /// The fields of `minor`'s objects: 3.10 moved the old frame object's `f_trace`.
    init(minor: Int) {
        if minor == 10 { frameObjectTrace = 72 }
    }
}
