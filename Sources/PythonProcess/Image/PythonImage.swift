import Foundation
import ProcFS

/// The ELF image that holds CPython's `_PyRuntime` (the executable, or
/// `libpython3.X.so`), where a process loaded it, and the interpreter's
/// version. Found the same way in a live process (``PythonProcess``) and in a
/// core file (``CoreFile``): only where the mappings come from differs.
public struct PythonImage: Sendable {
    /// The image's path as the process mapped it.
    public let path: String
    /// Symbols of that image (`.dynsym` and `.symtab`).
    public let symbols: ELFSymbols
    /// Runtime address minus file virtual address for the image.
    public let loadBias: UInt64
    public let version: PythonVersion

    /// The runtime address of symbol `name` in the image.
    public func address(of name: String) -> UInt64? {
        symbols.address(of: name).map { $0 &+ loadBias }
    }

    /// The first of `candidates` (paths as the process saw them) that defines
    /// `_PyRuntime`. `localPath` gives where that file is readable here;
    /// `base` the lowest address the process mapped it at from file offset 0.
    /// `memory` is read for the version. A stripped image's separate debug
    /// symbols are read from the first of `debugRoots` that has them.
    /// Throws `.notPython` (naming `pid`) when none does.
    static func locate(candidates: [String], localPath: (String) -> String, base: (String) -> UInt64?,
                       memory: any MemorySource, pid: Int32,
                       debugRoots: [String] = [DebugSymbolFile.systemRoot]) throws(ProcessAccessError) -> PythonImage {
        for path in candidates {
            guard let file = try? ELFFile(path: localPath(path)), let symbols = try? ELFSymbols(file: file, debugRoots: debugRoots),
                  symbols.address(of: "_PyRuntime") != nil,
                  let base = base(path), let first = symbols.file.firstLoadAddress else { continue }
            let version = try detectVersion(symbols: symbols, bias: base &- first, memory: memory, path: path, pid: pid)
            return PythonImage(path: path, symbols: symbols, loadBias: base &- first, version: version)
        }
        let names = candidates.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        throw .notPython(pid: pid, detail: candidates.isEmpty ? "no executable mapping found" : "no _PyRuntime symbol in \(names)")
    }

    /// The lowest address `path` is mapped at from file offset 0 in `mappings`.
    static func base(of path: String, in mappings: MappingTable) -> UInt64? {
        mappings.mappings.filter { mappings.path(of: $0) == path && $0.offset == 0 }.map(\.start).min()
    }

    /// Mapped files named like libpython, after `first` (the executable).
    static func candidates(executable first: String?, paths: [String]) -> [String] {
        var result = first.map { [$0] } ?? []
        for path in paths where (path as NSString).lastPathComponent.hasPrefix("libpython") && !result.contains(path) {
            result.append(path)
        }
        return result
    }

    /// `Py_Version` (3.11+), else the buffer `Py_GetVersion()` filled at
    /// startup (`version.0`, a static in `.symtab`), else the file name.
    static func detectVersion(symbols: ELFSymbols, bias: UInt64, memory: any MemorySource, path: String,
        pid: Int32) throws(ProcessAccessError) -> PythonVersion {
        if let address = symbols.address(of: "Py_Version") {
            return PythonVersion(hex: try memory.load(UInt32.self, at: address &+ bias))
        }
        for name in ["version.0", "version"] {
            if let symbol = symbols[name], symbol.isLocal,
               let text = try? memory.cString(at: symbol.address &+ bias, maxLength: 64),
               let version = PythonVersion(text: Substring(text)) { return version }
        }
        // libpython3.7m.so.1.0, python3.10
        let name = (path as NSString).lastPathComponent
        if let range = name.range(of: "python"), let version = PythonVersion(text: name[range.upperBound...]) { return version }
        throw .notPython(pid: pid, detail: "cannot tell the Python version of \(name)")
    }
}
