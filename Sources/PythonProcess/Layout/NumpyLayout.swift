/// The fields of a numpy array the read-only walk reads, from numpy's
/// `ndarraytypes.h` (`PyArrayObject_fields`, `PyArray_Descr`), the same in
/// numpy 1.x and 2.x but for the descriptor's `elsize`. Measured with ctypes
/// reads of `id(obj) + offset` on numpy 1.26.4 and 2.4.6 (CPython 3.11).
enum NumpyLayout {
    /// `tp_name` of `numpy.ndarray` (1.x and 2.x).
    static let arrayTypeName = "numpy.ndarray"

    /// `PyArrayObject_fields`: `char *data`.
    static let arrayData: UInt64 = 16
    /// `int nd`.
    static let arrayDimensionCount: UInt64 = 24
    /// `npy_intp *dimensions` and `npy_intp *strides`: `nd` words each.
    static let arrayDimensions: UInt64 = 32
    static let arrayStrides: UInt64 = 40
    /// `PyObject *base`: the array or buffer a view's data belongs to.
    static let arrayBase: UInt64 = 48
    /// `PyArray_Descr *descr`.
    static let arrayDescr: UInt64 = 56
    /// `int flags`.
    static let arrayFlags: UInt64 = 64
    /// `NPY_ARRAY_OWNDATA`: the array frees its data, and `__sizeof__` counts it.
    static let ownDataFlag: Int32 = 0x0004
    /// `NPY_MAXDIMS` of numpy 2.x (1.x: 32); an array claiming more is refused.
    static let maxDimensions: Int32 = 64

    /// `PyArray_Descr.type_num` (`int`, both versions).
    static let descrTypeNumber: UInt64 = 28
    /// `NPY_OBJECT`: the elements are object pointers.
    static let objectTypeNumber: Int32 = 17

    /// Where a descriptor keeps `elsize`, told apart by `sizeof(PyArray_Descr)`: the
    /// `tp_basicsize` of `numpy.dtype`, the root of every descriptor's type.
    enum Descriptor {
        /// numpy 1.x: `int elsize` at 32 (`sizeof(PyArray_Descr)` 96).
        case v1
        /// numpy 2.x: `npy_intp elsize` at 40, after 64-bit `flags` (`sizeof(PyArray_Descr)` 88).
        case v2

        /// Where `elsize` is (an `Int32` in 1.x, an `Int64` in 2.x).
        var elementSizeOffset: UInt64 { self == .v1 ? 32 : 40 }

        /// The layout whose `numpy.dtype` has `basicSize`; nil for any other size.
        init?(dtypeBasicSize basicSize: UInt64) {
            switch basicSize {
            case 96: self = .v1
            case 88: self = .v2
            default: return nil
            }
        }
    }
}
