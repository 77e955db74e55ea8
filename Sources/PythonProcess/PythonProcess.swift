import Foundation
public import ProcFS

/// The CPython interpreter inside a running process: which ELF image holds it
/// (the executable, or `libpython3.X.so`), where that image is loaded, and the
/// version. Nothing runs in the target and nothing is stopped to find it.
///
///     let python = try PythonProcess(pid: 1234)
///     python.version                          // 3.11.7
///     python.address(of: "_PyRuntime")       // runtime address
///     try python.memory.pointer(at: …)        // read the live process
public struct PythonProcess: Sendable {
    public let pid: Int32
    /// The ELF file with `_PyRuntime`, as the target maps it.
    public let imagePath: String
    /// Symbols of that image (`.dynsym` and `.symtab`).
    public let symbols: ELFSymbols
    /// Runtime address minus file virtual address for the image.
    public let loadBias: UInt64
    public let version: PythonVersion
    /// The live process's memory.
    public let memory: ProcessMemory
    /// The target's mappings when it was located.
    public let mappings: MappingTable

    /// Finds the interpreter in process `pid`. Throws `.notPython` when no
    /// mapped image defines `_PyRuntime`; does not check the version is
    /// supported (``requireSupportedVersion()`` does).
    public init(pid: Int32) throws(ProcessAccessError) {
        self.pid = pid
        memory = ProcessMemory(pid: pid)
        let mappings: MappingTable
        do { mappings = try ProcReader.maps(pid: pid) } catch {
            switch error {
            case .noSuchProcess, .zombie: throw .noSuchProcess(pid: pid)
            case .permissionDenied: throw .permissionDenied(pid: pid, operation: "read the mappings of", ptraceScope: ProcessAccessError.currentPtraceScope())
            default: throw .notPython(pid: pid, detail: "\(error)")
            }
        }
        if mappings.mappings.isEmpty, Self.isZombie(pid) { throw .exited(pid: pid) }
        self.mappings = mappings
        let candidates = Self.candidateImages(pid: pid, mappings: mappings)
        for path in candidates {
            // Through /proc/PID/root so a target in another mount namespace works.
            let local = FileManager.default.fileExists(atPath: "/proc/\(pid)/root\(path)") ? "/proc/\(pid)/root\(path)" : path
            guard let symbols = try? ELFSymbols(path: local), symbols.address(of: "_PyRuntime") != nil,
                  let base = mappings.mappings.filter({ mappings.path(of: $0) == path && $0.offset == 0 }).map(\.start).min(),
                  let first = symbols.file.firstLoadAddress else { continue }
            self.imagePath = path
            self.symbols = symbols
            self.loadBias = base &- first
            self.version = try Self.detectVersion(symbols: symbols, bias: base &- first, memory: memory, path: path, pid: pid)
            return
        }
        let names = candidates.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
        throw .notPython(pid: pid, detail: candidates.isEmpty ? "no executable mapping found" : "no _PyRuntime symbol in \(names)")
    }

    /// The runtime address of symbol `name` in the interpreter image.
    public func address(of name: String) -> UInt64? {
        symbols.address(of: name).map { $0 &+ loadBias }
    }

    /// Throws `.unsupportedVersion` unless memlens has layouts for this version.
    public func requireSupportedVersion() throws(ProcessAccessError) {
        guard version.major == 3, (8...13).contains(version.minor) else {
            throw .unsupportedVersion(pid: pid, version: version.description)
        }
    }

    /// Whether `/proc/PID/stat` says the process has exited and waits to be reaped.
    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? FileBytes.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: 0x29) else { return false }
        return close + 2 < stat.count && stat[close + 2] == 0x5A  // ") Z"
    }

    /// The executable first, then mapped files named like libpython.
    static func candidateImages(pid: Int32, mappings: MappingTable) -> [String] {
        var result: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") { result.append(exe) }
        for path in mappings.paths where (path as NSString).lastPathComponent.hasPrefix("libpython") && !result.contains(path) {
            result.append(path)
        }
        return result
    }

    /// `Py_Version` (3.11+), else the buffer `Py_GetVersion()` filled at
    /// startup (`version.0`, a static in `.symtab`), else the file name.
    static func detectVersion(symbols: ELFSymbols, bias: UInt64, memory: ProcessMemory, path: String, pid: Int32) throws(ProcessAccessError) -> PythonVersion {
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
