/// Offsets of the stdlib fields whose `__sizeof__` counts storage the object
/// owns (``TypeSizing/OwnedStorage``) that moved between versions. Measured on
/// each build with ctypes reads of `id(obj) + offset`, checked against
/// `sys.getsizeof`; the fields that never moved are constants of the rules.
public struct OwnedStorageLayout: Sendable, Equatable {
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
