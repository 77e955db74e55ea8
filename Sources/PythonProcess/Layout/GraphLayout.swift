/// Offsets the read-only snapshot needs beyond the census's ``PythonLayout``:
/// the pointer fields each built-in type's `tp_traverse` visits, frames,
/// code objects and the interpreter's module tables, for one minor version on
/// 64-bit Linux. Measured with `gdb -batch -ex 'ptype/o …' libpython3.X.so.1.0`
/// on the pyenv builds ``PythonLayout`` names; checked against
/// `gc.get_referents` by the snapshot tests. The one table of frame, code and
/// `sys.modules` offsets: `watch`'s ``StackReader`` and ``ModuleNames`` read it too.
/// 3.13+: every offset the target's `_Py_DebugOffsets` publishes replaces the
/// table's (``applying(_:)``); 3.14 and 3.15 were measured on Debian's 3.14.10
/// and 3.15.2 (ctypes reads against `gc.get_referents`, the frames read from outside).
struct GraphLayout: Sendable {
    // PyTypeObject (same 3.8–3.13)
    var typeTraverse: UInt64 = 184
    var typeWeaklistOffset: UInt64 = 208
    var typeDictOffset: UInt64 = 288
    var typeBases: UInt64 = 336
    var typeMro: UInt64 = 344
    var typeCache: UInt64 = 352
    /// `ht_module` (3.9+), 0 when absent.
    var heapTypeModule: UInt64
    /// `_PyRuntime.main_thread`: the main thread's id (`threading.main_thread().ident`).
    var runtimeMainThread: UInt64
    // PyInterpreterState
    /// `interp->modules` (3.8–3.11) or `interp->imports.modules` (3.12+): `sys.modules`.
    var interpreterModules: UInt64
    var interpreterSysdict: UInt64
    var interpreterBuiltins: UInt64
    /// Where the GIL's last holder (`_gil_runtime_state.last_holder`, a `PyThreadState *`) is: 3.8–3.11 in
    /// `_PyRuntime` (`ceval.gil`), 3.12+ in the interpreter (`_gil`: the main interpreter has a GIL of its
    /// own, which `interp->ceval.gil` points to; 3.13+ publish it as `gil_runtime_state_holder`).
    var gilHolder: UInt64 = 0
    var gilHolderInRuntime = false
    // PyThreadState
    var threadID: UInt64
    /// 3.8–3.10: `tstate->frame` (a `PyFrameObject`); 3.11–3.12: `tstate->cframe`; 3.13: `tstate->current_frame`.
    var threadFrame: UInt64
    /// 3.11–3.12: `_PyCFrame.current_frame`; nil when ``threadFrame`` is the frame itself.
    var cframeCurrentFrame: UInt64?
    // Frames: 3.8–3.10 `PyFrameObject`, 3.11+ `_PyInterpreterFrame`.
    var frameIsObject: Bool
    var frameBack: UInt64
    var frameCode: UInt64
    var frameLocalsPlus: UInt64
    /// 3.8–3.10 `f_lasti` (an int, -1 before the first instruction); 3.11–3.12 `prev_instr`, 3.13 `instr_ptr` (pointers).
    var frameInstruction: UInt64
    /// 3.11+: `owner` byte (3 and up: a frame without code: 3.12–3.13 a C stack shim, 3.14+ the interpreter's entry frame).
    var frameOwner: UInt64
    /// 3.14+: a frame's code, function and slots are `_PyStackRef`s (tagged, ``object(inSlot:)``), and its
    /// `stackpointer` at 64 points past the last slot in use (before: `stacktop`, an Int32 count of slots).
    var stackRefs = false
    // PyCodeObject
    var codeFilename: UInt64
    var codeName: UInt64
    /// 3.11+: `co_qualname`, the name frames are shown by (`codeName` before).
    var codeQualname: UInt64?
    var codeFirstLine: UInt64
    var codeLineTable: UInt64
    /// 3.8–3.10: `co_nlocals`, `co_varnames`, `co_cellvars`, `co_freevars`; 3.11+ `co_nlocalsplus`, `co_localsplusnames`.
    var codeLocalsCount: UInt64
    var codeLocalNames: UInt64
    var codeCellNames: UInt64?
    var codeFreeNames: UInt64?
    /// 3.11+: offset of `co_code_adaptive` (the instructions); 3.8–3.10: `co_code`, a pointer to a bytes object.
    var codeInstructions: UInt64
    /// The line table's format.
    var lineTable: LineTableFormat
    /// `PyFunctionObject` fields `func_traverse` visits (every object field but the weakref list).
    var functionFields: [UInt64]
    /// `func_code` and `func_closure`: 3.8–3.9 16 and 48, 3.10+ 48 and 72.
    var functionCode: UInt64 { lineTable == .lnotab ? 16 : 48 }
    var functionClosure: UInt64 { functionCode == 16 ? 48 : 72 }
    /// `PyBaseExceptionObject` fields.
    var exceptionFields: [UInt64]
    /// `lru_cache_object` fields its traverse visits (3.10+ add `kwd_mark` and the link type).
    var lruCacheFields: [UInt64] { heapTypeModule == 0 || lineTable == .lnotab ? [72, 88, 112, 120] : [72, 88, 112, 120, 128, 136] }
    /// `propertyobject` fields.
    var propertyFields: [UInt64]
    /// 3.9+: builtin functions with `METH_METHOD` hold their class at 56.
    var cMethodClass: Bool
    /// `PyModuleObject.md_state`: 32 (after `md_def`), 24 in 3.15.
    var moduleState: UInt64 = 32
    /// 3.15: the module keeps its state's size and traverse function itself (56, 64); before, its
    /// `PyModuleDef` (at 24) does (`m_size` 56, `m_traverse` 80).
    var moduleStateInModule = false
    /// 3.8–3.10 frames are GC objects that visit their stack; the value-stack pointer field.
    var frameValueStack: UInt64 = 64
    /// `_PyDictValues`: 3.13 puts 8 bytes of header before the values.
    var dictValuesHeader: UInt64
    /// 3.13: `Py_TPFLAGS_INLINE_VALUES` instances keep their values at `tp_basicsize`.
    var inlineValuesFlag: UInt64
    /// 3.11–3.12: `Py_TPFLAGS_MANAGED_DICT`; the values pointer (3.11 at -32, 3.12 tagged at -24).
    var managedDictFlag: UInt64
    /// 3.12 `_PyDictOrValues`: one word at -24 holding the dict, or the values pointer tagged with bit 0.
    var managedDictTagged: Bool
    /// Generators, coroutines, async generators and 3.11+ frame objects (``GeneratorLayout``).
    var generators: GeneratorLayout? = nil
    /// `_asyncio.Future` and `_asyncio.Task` (``AsyncioLayout``).
    var asyncio: AsyncioLayout? = nil
    /// ctypes' types (instances of its metatypes; ``Traversal/Rule/ctypesType``): 3.8–3.12 `proto` in the
    /// `StgDict` that is the type's `tp_dict`; 3.13 where the `StgInfo` after the type object starts (type's
    /// `tp_basicsize`), whose `initialized` int comes first. From `ptype/o StgDictObject` and `StgInfo` in
    /// CPython's `Modules/_ctypes/ctypes.h`, checked with ctypes reads against `gc.get_referents` on each pyenv build.
    var ctypesProto: UInt64 = 96
    var ctypesStgInfo: UInt64 = 0
    /// 3.13+: `CType_Type_traverse`'s fields, from the `StgInfo`: `proto`, `argtypes`, `converters`, `restype`,
    /// `checker`, (3.14+) `pointer_type`, `module`.
    var ctypesStgInfoFields: [UInt64] = [56, 88, 96, 104, 112, 120]

    enum LineTableFormat: Sendable { case lnotab, linetable310, locations }

    /// The layout for `version`, nil when memlens has none: with `offsets`, the target's own
    /// `_Py_DebugOffsets` (3.13+), what it publishes is taken from there.
    static func forVersion(_ version: PythonVersion, offsets: DebugOffsets? = nil) -> GraphLayout? {
        guard version.major == 3, PythonLayout.forVersion(version) != nil, var layout = base(minor: version.minor) else { return nil }
        layout.generators = GeneratorLayout(minor: version.minor)
        layout.asyncio = AsyncioLayout(minor: version.minor)
        if version.minor == 13 { layout.ctypesStgInfo = 928 }
        layout.gilHolderInRuntime = version.minor <= 11
        layout.gilHolder = gilHolders[version.minor] ?? 0
        if version.minor >= 14 { layout = layout.modern(minor: version.minor) }
        return offsets.map(layout.applying) ?? layout
    }

    /// Offsets of the GIL's `last_holder` by minor version (``gilHolder``): `_gil_runtime_state` keeps it at 8
    /// (after `interval`) in every version; where the state is, from `ptype/o` on the pyenv builds
    /// (`_PyRuntime.ceval.gil` at 1152, 352, 352, 360; `PyInterpreterState._gil` at 1040 in 3.12) and from the
    /// `_Py_DebugOffsets` of 3.13.0, Debian's 3.14.10 and 3.15.2 (which replace the 3.13+ rows).
    private static let gilHolders: [Int: UInt64] = [8: 1160, 9: 360, 10: 360, 11: 368, 12: 1048, 13: 7760, 14: 7792, 15: 7744]

    /// 3.14 and 3.15 from 3.13's row: tagged stack references, a larger frame header,
    /// `co_code_adaptive` at 208, functions' `func_annotate`, ctypes' `StgInfo` after a larger heap type.
    private func modern(minor: Int) -> GraphLayout {
        var layout = self
        layout.stackRefs = true
        layout.frameLocalsPlus = 80
        layout.frameOwner = 74
        layout.codeInstructions = 208
        layout.functionFields = [16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 104, 112, 120, 128]
        layout.ctypesStgInfo = 944
        layout.ctypesStgInfoFields = [56, 88, 96, 104, 112, 120, 128]
        // Before the table is applied (it gives these as offsets from `interpreters_head` and the thread state).
        layout.runtimeMainThread = minor == 14 ? 832 : 960
        layout.interpreterModules = minor == 14 ? 7688 : 7592
        layout.interpreterSysdict = minor == 14 ? 7672 : 7576
        layout.interpreterBuiltins = minor == 14 ? 7680 : 7584
        if minor >= 15 {
            layout.heapTypeModule = 896
            layout.threadID = 176
            layout.moduleState = 24
            layout.moduleStateInModule = true
        }
        return layout
    }

    /// This layout with each offset `offsets` publishes taken from it. `_PyRuntime.main_thread`
    /// follows `interpreters.head`, `.main` and `.next_id` (3.13–3.15: `interpreters_head` + 24).
    func applying(_ offsets: DebugOffsets) -> GraphLayout {
        var layout = self
        func set(_ path: WritableKeyPath<GraphLayout, UInt64>, _ name: String) {
            if let value = offsets[name] { layout[keyPath: path] = value }
        }
        if let head = offsets["runtime_state.interpreters_head"] { layout.runtimeMainThread = head &+ 24 }
        set(\.interpreterModules, "interpreter_state.imports_modules")
        set(\.interpreterSysdict, "interpreter_state.sysdict")
        set(\.interpreterBuiltins, "interpreter_state.builtins")
        set(\.gilHolder, "interpreter_state.gil_runtime_state_holder")
        set(\.threadID, "thread_state.thread_id")
        set(\.threadFrame, "thread_state.current_frame")
        set(\.frameBack, "interpreter_frame.previous")
        set(\.frameCode, "interpreter_frame.executable")
        set(\.frameInstruction, "interpreter_frame.instr_ptr")
        set(\.frameLocalsPlus, "interpreter_frame.localsplus")
        set(\.frameOwner, "interpreter_frame.owner")
        set(\.codeFilename, "code_object.filename")
        set(\.codeName, "code_object.name")
        set(\.codeFirstLine, "code_object.firstlineno")
        set(\.codeLineTable, "code_object.linetable")
        set(\.codeLocalNames, "code_object.localsplusnames")
        set(\.codeInstructions, "code_object.co_code_adaptive")
        if let qualname = offsets["code_object.qualname"] { layout.codeQualname = qualname }
        if let generators = layout.generators {
            layout.generators = generators.applying(offsets)
        }
        return layout
    }

    /// The object a frame slot holds, 0 for none: 3.14+ a `_PyStackRef`'s pointer without its tag bits
    /// (NULL is 1, a tagged int has both bits set and is no object); before, the word itself.
    @inline(__always)
    func object(inSlot word: UInt64) -> UInt64 {
        guard stackRefs else { return word }
        return word & 3 == 3 ? 0 : word & ~3
    }

    private static func base(minor: Int) -> GraphLayout? {
        switch minor {
        case 8, 9:
            return GraphLayout(
                heapTypeModule: minor == 9 ? 880 : 0, runtimeMainThread: 72,
                interpreterModules: minor == 8 ? 56 : 856, interpreterSysdict: minor == 8 ? 72 : 872,
                interpreterBuiltins: minor == 8 ? 80 : 880,
                threadID: 176, threadFrame: 24, cframeCurrentFrame: nil,
                frameIsObject: true, frameBack: 24, frameCode: 32, frameLocalsPlus: 360, frameInstruction: 104, frameOwner: 0,
                codeFilename: 104, codeName: 112, codeQualname: nil, codeFirstLine: 40, codeLineTable: 120,
                codeLocalsCount: 28, codeLocalNames: 72, codeCellNames: 88, codeFreeNames: 80, codeInstructions: 48, lineTable: .lnotab,
                functionFields: [16, 24, 32, 40, 48, 56, 64, 72, 88, 96, 104],
                exceptionFields: [16, 24, 32, 40, 48], propertyFields: [16, 24, 32, 40], cMethodClass: minor == 9,
                dictValuesHeader: 0, inlineValuesFlag: 0, managedDictFlag: 0, managedDictTagged: false)
        case 10:
            return GraphLayout(
                heapTypeModule: 880, runtimeMainThread: 72, interpreterModules: 856, interpreterSysdict: 872, interpreterBuiltins: 880,
                threadID: 176, threadFrame: 24, cframeCurrentFrame: nil,
                frameIsObject: true, frameBack: 24, frameCode: 32, frameLocalsPlus: 352, frameInstruction: 96, frameOwner: 0,
                codeFilename: 104, codeName: 112, codeQualname: nil, codeFirstLine: 40, codeLineTable: 120,
                codeLocalsCount: 28, codeLocalNames: 72, codeCellNames: 88, codeFreeNames: 80, codeInstructions: 48,
                lineTable: .linetable310,
                functionFields: [16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 104, 112],
                exceptionFields: [16, 24, 32, 40, 48], propertyFields: [16, 24, 32, 40, 48], cMethodClass: true,
                dictValuesHeader: 0, inlineValuesFlag: 0, managedDictFlag: 0, managedDictTagged: false)
        case 11:
            return GraphLayout(
                heapTypeModule: 880, runtimeMainThread: 80, interpreterModules: 888, interpreterSysdict: 904, interpreterBuiltins: 912,
                threadID: 152, threadFrame: 56, cframeCurrentFrame: 8,
                frameIsObject: false, frameBack: 48, frameCode: 32, frameLocalsPlus: 72, frameInstruction: 56, frameOwner: 69,
                codeFilename: 112, codeName: 120, codeQualname: 128, codeFirstLine: 72, codeLineTable: 136,
                codeLocalsCount: 76, codeLocalNames: 96, codeCellNames: nil, codeFreeNames: nil, codeInstructions: 184,
                lineTable: .locations,
                functionFields: [16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 104, 112],
                exceptionFields: [16, 24, 32, 40, 48, 56], propertyFields: [16, 24, 32, 40, 48], cMethodClass: true,
                dictValuesHeader: 0, inlineValuesFlag: 0, managedDictFlag: 1 << 4, managedDictTagged: false)
        case 12...15:  // 3.14 and 3.15: then ``modern(minor:)``
            return GraphLayout(
                heapTypeModule: 888, runtimeMainThread: minor == 12 ? 64 : 656, interpreterModules: minor == 12 ? 944 : 7656,
                interpreterSysdict: minor == 12 ? 352 : 7640, interpreterBuiltins: minor == 12 ? 360 : 7648,
                threadID: minor == 12 ? 136 : 152, threadFrame: minor == 12 ? 56 : 72, cframeCurrentFrame: minor == 12 ? 0 : nil,
                frameIsObject: false, frameBack: 8, frameCode: 0, frameLocalsPlus: 72, frameInstruction: 56, frameOwner: 70,
                codeFilename: 112, codeName: 120, codeQualname: 128, codeFirstLine: 68, codeLineTable: 136,
                codeLocalsCount: 72, codeLocalNames: 96, codeCellNames: nil, codeFreeNames: nil,
                codeInstructions: minor == 12 ? 192 : 200, lineTable: .locations,
                functionFields: [16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 104, 112, 120],
                exceptionFields: [16, 24, 32, 40, 48, 56], propertyFields: [16, 24, 32, 40, 48], cMethodClass: true,
                dictValuesHeader: minor >= 13 ? 8 : 0, inlineValuesFlag: minor >= 13 ? 1 << 2 : 0,
                managedDictFlag: 1 << 4, managedDictTagged: minor == 12)
        default:
            return nil
        }
    }
}
