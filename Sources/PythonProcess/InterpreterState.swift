/// Where the main interpreter and its collector's state are, for one image
/// and layout: read the same way from a live process or a core file.
struct InterpreterState {
    let layout: PythonLayout
    /// `_PyRuntime`.
    let runtime: UInt64
    /// The main `PyInterpreterState`.
    let interpreter: UInt64
    /// `_gc_runtime_state`.
    let gcState: UInt64
    /// The collector's `collecting` flag.
    var collecting: UInt64 { gcState &+ layout.gcCollecting }

    /// Reads the runtime of `image` through `memory` (3.13+: its `_Py_DebugOffsets`).
    /// Throws `.unsupportedVersion` without a layout, `.inconsistent` without an interpreter.
    init(image: PythonImage, memory: any MemorySource, pid: Int32) throws(ProcessAccessError) {
        guard var layout = PythonLayout.forVersion(image.version), let runtime = image.address(of: "_PyRuntime") else {
            throw .unsupportedVersion(pid: pid, version: image.version.description)
        }
        if image.version.minor >= 13,
           let offsets = DebugOffsets(bytes: try memory.bytes(at: runtime, count: DebugOffsets.byteCount)) {
            layout = offsets.apply(to: layout)
            if let expected = layout.gcStateSize, let size = offsets["gc.size"], size != expected {
                throw .layoutMismatch(pid: pid, version: image.version.description, check: "the collector's state size",
                                      detail: "_Py_DebugOffsets says \(size) bytes, memlens's table \(expected)")
            }
        }
        let interpreter = try memory.pointer(at: runtime &+ layout.runtimeInterpretersHead)
        guard interpreter != 0 else { throw .inconsistent(pid: pid, detail: "no interpreter (still starting, or finalizing)") }
        try LayoutCheck.validate(interpreter: interpreter, layout: layout, graph: GraphLayout.forVersion(minor: image.version.minor),
                                 memory: memory, pid: pid, version: image.version.description)
        self.layout = layout
        self.runtime = runtime
        self.interpreter = interpreter
        gcState = (layout.gcInRuntime ? runtime : interpreter) &+ layout.gcState
    }
}
