/// Offsets of the stdlib fields whose `__sizeof__` counts storage the object
/// owns (``TypeSizing/OwnedStorage``). Measured on each build with ctypes reads
/// of `id(obj) + offset`, checked against `sys.getsizeof`; most never moved
/// (3.8–3.15), the versions' rows below change those that did.
public struct OwnedStorageLayout: Sendable, Equatable {
    /// `PyByteArrayObject.ob_alloc` and `ob_bytes` (3.15: into its bytes object).
    public var bytearrayAllocated: UInt64 = 24
    public var bytearrayBytes: UInt64 = 32
    /// `bytesio.buf`: a bytes object.
    public var bytesIOBuffer: UInt64 = 16
    /// `buffered.buffer` and `buffer_size`.
    public var bufferedBuffer: UInt64 = 56
    public var bufferedBufferSize: UInt64 = 120
    /// `arrayobject.ob_item`, `allocated` and `ob_descr`, and the descriptor's `itemsize` (an int).
    public var arrayItems: UInt64 = 24
    public var arrayAllocated: UInt64 = 32
    public var arrayDescriptor: UInt64 = 40
    public var arrayDescriptorItemSize: UInt64 = 4
    /// `PyDecObject`'s `mpd_t`: its `flags` byte and `alloc` (in words).
    public var decimalFlags: UInt64 = 24
    public var decimalAllocated: UInt64 = 56
    /// `PicklerObject.memo` (a `PyMemoTable`, whose `mt_allocated` is at 16, 32 bytes with 16-byte entries).
    public var picklerMemo: UInt64 = 16
    public var memoTableAllocated: UInt64 = 16
    public var memoTableBytes: UInt64 = 32
    public var memoEntryBytes: UInt64 = 16
    /// `UnpicklerObject.memo` and `memo_size`.
    public var unpicklerMemo: UInt64 = 24
    public var unpicklerMemoSize: UInt64 = 32
    /// `PyStructObject.s_codes`, and a `formatcode`'s bytes.
    public var structCodes: UInt64 = 32
    public var structCodeBytes: UInt64 = 32
    /// itertools: `combinationsobject.r`, `permutationsobject.pool` and `r`, `productobject.pools`.
    public var combinationsR: UInt64 = 40
    public var permutationsPool: UInt64 = 16
    public var permutationsR: UInt64 = 48
    public var productPools: UInt64 = 16
    /// `ElementObject.extra`; in `ElementObjectExtra`: `children`, `_children` (4 inline slots), `allocated`, and its size.
    public var elementExtra: UInt64 = 40
    public var elementExtraChildren: UInt64 = 24
    public var elementExtraInlineChildren: UInt64 = 32
    public var elementExtraAllocated: UInt64 = 16
    public var elementExtraBytes: UInt64 = 64
    /// `PicklerObject.output_buffer` (a bytes object).
    public var picklerOutputBuffer: UInt64 = 64
    /// `UnpicklerObject.input_line` (a C string).
    public var unpicklerInputLine: UInt64 = 152
    /// `UnpicklerObject.encoding` and `errors` (C strings, counted with their NUL).
    public var unpicklerEncoding: UInt64 = 224
    public var unpicklerErrors: UInt64 = 232
    /// `UnpicklerObject.marks` and `marks_size` (in `Py_ssize_t`s).
    public var unpicklerMarks: UInt64 = 240
    public var unpicklerMarksSize: UInt64 = 256
    /// 3.15+: a bytearray's buffer is a bytes object; its header (`PyBytesObject_SIZE`)
    /// is counted with the buffer when one is allocated. 0 before.
    public var bytearrayBufferHeaderBytes: UInt64 = 0

    /// 3.8–3.12.
    static let v3_8 = OwnedStorageLayout()
    /// 3.13: `output_buffer` at 56, the unpickler's strings and marks 8 bytes earlier.
    static let v3_13 = OwnedStorageLayout(picklerOutputBuffer: 56, unpicklerInputLine: 144, unpicklerEncoding: 216,
        unpicklerErrors: 224, unpicklerMarks: 232, unpicklerMarksSize: 248)
    /// 3.14 (Debian's 3.14.10).
    static let v3_14 = OwnedStorageLayout(unpicklerInputLine: 152, unpicklerEncoding: 240, unpicklerErrors: 248,
        unpicklerMarks: 256, unpicklerMarksSize: 272)
    /// 3.15 (Debian's 3.15.2).
    static let v3_15 = OwnedStorageLayout(unpicklerInputLine: 160, unpicklerEncoding: 248, unpicklerErrors: 256,
        unpicklerMarks: 264, unpicklerMarksSize: 280, bytearrayBufferHeaderBytes: 33)
}
