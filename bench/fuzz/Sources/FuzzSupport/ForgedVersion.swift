public import PythonProcess

/// The version and census layout a walk fuzz target reads a forged image with:
/// the selector's low bits pick CPython 3.8–3.15 (3.14 as 3.14.10: memlens reads
/// 3.14.5 and later), and from 3.13 the target's own `_Py_DebugOffsets` at
/// `runtime` (parameter 1), when the image holds one there, is applied as
/// `InterpreterState` applies it (the walk's layout takes `offsets` too).
public struct ForgedVersion {
    public let version: PythonVersion
    public let layout: PythonLayout
    public let offsets: DebugOffsets?

    public init?(selector: UInt8, memory: some MemorySource, runtime: UInt64) {
        let minor = 8 + Int(selector & 0x3F) % 8
        version = PythonVersion(major: 3, minor: minor, micro: minor == 14 ? 10 : nil)
        guard let layout = PythonLayout.forVersion(version) else { return nil }
        var offsets: DebugOffsets?
        if minor >= 13, let table = try? memory.bytes(at: runtime, count: DebugOffsets.byteCount) { offsets = DebugOffsets(bytes: table) }
        self.offsets = offsets
        self.layout = offsets?.apply(to: layout) ?? layout
    }
}
