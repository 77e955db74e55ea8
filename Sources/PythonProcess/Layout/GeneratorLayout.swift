/// Where generators, coroutines, async generators and (3.11+) frame objects
/// keep what their `tp_traverse` visits, per minor version on 64-bit Linux.
/// From CPython's `Include/cpython/genobject.h`, `pycore_frame.h` and
/// `frameobject.h` (3.8–3.13), checked against `gc.get_referents` with ctypes
/// reads (`id(gen) + offset`) on the pyenv builds, and by the snapshot tests.
struct GeneratorLayout: Sendable {
    /// `gen_traverse`'s own fields: 3.8–3.10 `gi_frame`, `gi_code`, `gi_name`,
    /// `gi_qualname` and the three `gi_exc_state` words; 3.11 `gi_code`, the
    /// names and `exc_value`; 3.12+ the names and `exc_value`.
    var fields: [UInt64]
    /// `ag_finalizer` (3.8–3.10) / `ag_origin_or_finalizer` (3.11+): visited for async generators only.
    var asyncFinalizer: UInt64
    /// 3.11+: `gi_frame_state` (a signed byte; the frame is visited while below ``frameCleared``)
    /// and `gi_iframe`, the embedded `_PyInterpreterFrame`. Nil before 3.11 (`gi_frame` is a frame object).
    var frameState: UInt64?
    var embeddedFrame: UInt64
    /// `_PyFrame_Traverse`: `frame_obj`, `f_locals`, `f_func`/`f_funcobj`, `f_code`/`f_executable`,
    /// then `localsplus[0 ..< stacktop]` (`stacktop` an Int32; 3.14+ up to the `stackpointer` there).
    var interpreterFrameFields: [UInt64]
    var stackTop: UInt64 = 64
    /// 3.11+ `PyFrameObject`: `f_back`, `f_trace` (3.13: and `f_extra_locals`, `f_locals_cache`), and
    /// `f_frame`, whose data it visits when it owns them (`owner` == `FRAME_OWNED_BY_FRAME_OBJECT`, 2).
    var frameObjectFields: [UInt64]
    var frameObjectData: UInt64 = 24
    static let ownedByFrameObject: UInt8 = 2
    /// `FRAME_CLEARED`: 4 (3.11–3.14, whose earlier states are negative from 3.14), 5 in 3.15 (states from 0).
    var frameCleared: Int8 = 4

    /// This layout with `gi_frame_state` and `gi_iframe` from the target's table (3.14+).
    func applying(_ offsets: DebugOffsets) -> GeneratorLayout {
        var layout = self
        if let state = offsets["gen_object.gi_frame_state"], frameState != nil { layout.frameState = state }
        if let frame = offsets["gen_object.gi_iframe"] { layout.embeddedFrame = frame }
        return layout
    }
}

extension GeneratorLayout {
    init?(minor: Int) {
        switch minor {
        case 8, 9:
            self.init(fields: [16, 32, 48, 56, 64, 72, 80], asyncFinalizer: 96, frameState: nil, embeddedFrame: 0,
                      interpreterFrameFields: [], frameObjectFields: [])
        case 10:
            self.init(fields: [16, 24, 40, 48, 56, 64, 72], asyncFinalizer: 88, frameState: nil, embeddedFrame: 0,
                      interpreterFrameFields: [], frameObjectFields: [])
        case 11:
            self.init(fields: [16, 32, 40, 48], asyncFinalizer: 64, frameState: 75, embeddedFrame: 80,
                      interpreterFrameFields: [40, 24, 0, 32], frameObjectFields: [16, 32])
        case 12...15:
            // 3.13: `f_extra_locals`, `f_locals_cache`; 3.14: `f_overwritten_fast_locals`.
            let frameObjectFields: [UInt64] = minor == 12 ? [16, 32] : minor == 13 ? [16, 32, 48, 56] : [16, 32, 48, 56, 64]
            self.init(fields: [24, 32, 40], asyncFinalizer: 56, frameState: 67, embeddedFrame: 72,
                      interpreterFrameFields: [48, 40, 16, 0], frameObjectFields: frameObjectFields)
            if minor >= 15 { frameCleared = 5 }
        default:
            return nil
        }
    }
}
