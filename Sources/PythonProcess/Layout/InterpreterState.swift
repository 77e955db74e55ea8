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
    /// What the read-only walk, stacks and module names read (nil: a version memlens does not walk):
    /// 3.13+ with the target's own `_Py_DebugOffsets` applied.
    let graph: GraphLayout?
    /// The collector's `collecting` flag.
    var collecting: UInt64 { gcState &+ layout.gcCollecting }

    /// Reads the runtime of `image` through `memory` (3.13+: its `_Py_DebugOffsets`).
    /// Throws `.unsupportedVersion` without a layout, `.inconsistent` without an interpreter.
    init(image: PythonImage, memory: any MemorySource, pid: Int32) throws(ProcessAccessError) {
        guard var layout = PythonLayout.forVersion(image.version), let runtime = image.address(of: "_PyRuntime") else {
            throw .unsupportedVersion(pid: pid, version: image.version.description)
        }
        var offsets: DebugOffsets?
        if image.version.minor >= 13 {
            offsets = DebugOffsets(bytes: try memory.bytes(at: runtime, count: DebugOffsets.byteCount))
        }
        if let offsets {
            // A free-threaded build keeps its objects in mimalloc heaps: a walk of them would be another room.
            if offsets.freeThreaded { throw .freeThreaded(pid: pid, version: image.version.description) }
            layout = offsets.apply(to: layout)
            if let expected = layout.gcStateSize, let size = offsets["gc.size"], size != expected {
                throw .layoutMismatch(pid: pid, version: image.version.description, check: "the collector's state size",
                                      detail: "_Py_DebugOffsets says \(size) bytes, memlens's table \(expected)")
            }
        }
        let interpreter = try memory.pointer(at: runtime &+ layout.runtimeInterpretersHead)
        guard interpreter != 0 else { throw .inconsistent(pid: pid, detail: "no interpreter (still starting, or finalizing)") }
        let graph = GraphLayout.forVersion(image.version, offsets: offsets)
        try LayoutCheck.validate(interpreter: interpreter, layout: layout, graph: graph, memory: memory, pid: pid,
                                 version: image.version.description)
        self.graph = graph
        self.layout = layout
        self.runtime = runtime
        self.interpreter = interpreter
        gcState = (layout.gcInRuntime ? runtime : interpreter) &+ layout.gcState
    }
}
