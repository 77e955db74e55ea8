/// Why fragmentation could not be measured. The target is left as it was in every case.
public enum FragmentationError: Error, CustomStringConvertible, Equatable {
    case unsupportedPython(String)
    case missingSymbol(String)
    case notInitialized
    case implausible(String)
    case pythonMallocDisabled(String)
    /// 3.8–3.11 without symbols: the search for `arenas`/`maxarenas` found no table (or two).
    case tableNotFound(String)

    public var description: String {
        switch self {
        case .unsupportedPython(let version):
            return "Python \(version) is not supported (obmalloc layouts are known for 3.8–3.13, 3.14.5+ and 3.15)"
        case .missingSymbol(let name): return "symbol \(name) not found in the target's libpython"
        case .notInitialized: return "the target's interpreter is not initialized (no main interpreter yet)"
        case .implausible(let what):
            return "the arena table looks inconsistent (\(what)): the target may have changed it mid-read, try again"
        case .pythonMallocDisabled(let why): return "pymalloc is not in use in the target (\(why))"
        case .tableNotFound(let why):
            return "pymalloc's arena table not found: the interpreter has no symbols for arenas/maxarenas (stripped, "
                + "no separate debug symbols under /usr/lib/debug) and searching its data for them failed: \(why)"
        }
    }
}
