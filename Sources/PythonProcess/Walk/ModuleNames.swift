/// The names in `sys.modules`, read from a census's copy of the process
/// (the interpreter's modules dict; nothing runs in the target).
public enum ModuleNames {
    /// The keys of `sys.modules` (str keys only; at most `limit`).
    public static func read(_ census: CensusMemory, pid: Int32, limit: Int = 100_000) throws(ProcessAccessError) -> [String] {
        try read(memory: census.memory, image: census.image, pid: pid, limit: limit)
    }

    /// The keys of `sys.modules` read through `memory`: a census copy, or the
    /// live process (a dict that changes while it is read gives an error or
    /// some names, never a trap).
    public static func read(memory: any MemorySource, image: PythonImage, pid: Int32,
                            limit: Int = 100_000) throws(ProcessAccessError) -> [String] {
        let state = try InterpreterState(image: image, memory: memory, pid: pid)
        guard let graph = state.graph else { throw .unsupportedVersion(pid: pid, version: image.version.description) }
        let reader = ObjectReader(memory: memory, layout: state.layout)
        let dict = try reader.word(state.interpreter &+ graph.interpreterModules)
        guard dict != 0 else { return [] }
        let shape = try reader.keysShape(reader.word(dict &+ state.layout.dictKeys))
        let keyOffset: UInt64 = shape.entrySize == 24 ? 8 : 0
        var names: [String] = []
        for i in 0..<max(0, min(shape.entries, limit)) {  // dk_nentries comes from the target
            let key = try reader.word(shape.firstEntry &+ UInt64(i) &* shape.entrySize &+ keyOffset)
            if key != 0, let name = try reader.string(at: key, maxLength: 512) { names.append(name) }
        }
        return names
    }
}
