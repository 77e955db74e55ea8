/// Where the frame chain and `sys.modules` are, for one minor version on
/// 64-bit Linux (measured with `gdb -batch -ex 'ptype/o struct _ts'`,
/// `_frame`, `_PyInterpreterFrame`, `PyCodeObject`, and
/// `print &((PyInterpreterState*)0)->modules` on the pyenv builds of
/// ``PythonLayout``). A minimal reader for `watch`: the main thread's stack and
/// the module names, read as py-spy reads them.
struct FrameLayout: Sendable {
    enum Chain: Sendable {
        /// 3.8–3.10: `tstate->frame`, a `PyFrameObject` list through `f_back`.
        case frameObjects(threadFrame: UInt64, back: UInt64, code: UInt64, lasti: UInt64)
        /// 3.11–3.12: `tstate->cframe->current_frame`; 3.13: `tstate->current_frame`
        /// (`cframe` nil): `_PyInterpreterFrame`s through `previous`.
        case interpreterFrames(cframe: UInt64?, current: UInt64, code: UInt64, previous: UInt64, instruction: UInt64, owner: UInt64)
    }

    var chain: Chain
    var codeFilename: UInt64
    var codeName: UInt64
    var codeFirstLine: UInt64
    /// `co_lnotab` (3.8–3.9), `co_linetable` (3.10+).
    var codeLineTable: UInt64
    /// 3.11+: offset of the bytecode (`co_code_adaptive`) in the code object.
    var codeBytecode: UInt64
    /// `interp->modules` (3.8–3.11) or `interp->imports.modules` (3.12+).
    var interpreterModules: UInt64

    var minor: Int

    static func forMinor(_ minor: Int) -> FrameLayout? {
        let objects = Chain.frameObjects(threadFrame: 24, back: 24, code: 32, lasti: minor == 10 ? 96 : 104)
        switch minor {
        case 8: return FrameLayout(chain: objects, codeFilename: 104, codeName: 112, codeFirstLine: 40, codeLineTable: 120,
                                   codeBytecode: 0, interpreterModules: 56, minor: 8)
        case 9, 10: return FrameLayout(chain: objects, codeFilename: 104, codeName: 112, codeFirstLine: 40, codeLineTable: 120,
                                       codeBytecode: 0, interpreterModules: 856, minor: minor)
        case 11: return FrameLayout(chain: .interpreterFrames(cframe: 56, current: 8, code: 32, previous: 48, instruction: 56, owner: 69),
                                    codeFilename: 112, codeName: 128, codeFirstLine: 72, codeLineTable: 136,
                                    codeBytecode: 184, interpreterModules: 888, minor: 11)
        case 12: return FrameLayout(chain: .interpreterFrames(cframe: 56, current: 0, code: 0, previous: 8, instruction: 56, owner: 70),
                                    codeFilename: 112, codeName: 128, codeFirstLine: 68, codeLineTable: 136,
                                    codeBytecode: 192, interpreterModules: 944, minor: 12)
        case 13: return FrameLayout(chain: .interpreterFrames(cframe: nil, current: 72, code: 0, previous: 8, instruction: 56, owner: 70),
                                    codeFilename: 112, codeName: 128, codeFirstLine: 68, codeLineTable: 136,
                                    codeBytecode: 200, interpreterModules: 7656, minor: 13)
        default: return nil
        }
    }
}
