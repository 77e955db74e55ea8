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
    /// The ELF image with `_PyRuntime`, where the target loaded it, and the version.
    public let image: PythonImage
    /// The live process's memory.
    public let memory: ProcessMemory
    /// The target's mappings when it was located.
    public let mappings: MappingTable

    /// The ELF file with `_PyRuntime`, as the target maps it.
    public var imagePath: String { image.path }
    /// Symbols of that image (`.dynsym` and `.symtab`).
    public var symbols: ELFSymbols { image.symbols }
    /// Runtime address minus file virtual address for the image.
    public var loadBias: UInt64 { image.loadBias }
    public var version: PythonVersion { image.version }

    /// Finds the interpreter in process `pid`. Throws `.notPython` when no
    /// mapped image defines `_PyRuntime`; does not check the version is
    /// supported (``requireSupportedVersion()`` does). Separate debug symbols
    /// of a stripped image are looked for under `/usr/lib/debug` as the target
    /// sees it, then as memlens does.
    public init(pid: Int32) throws(ProcessAccessError) {
        let root = DebugSymbolFile.systemRoot
        let inTarget = RuntimeLocation.localPath(root, pid: pid)
        try self.init(pid: pid, debugRoots: inTarget == root ? [root] : [inTarget, root])
    }

    /// As ``init(pid:)``, with the folders searched for separate debug symbols given (tests).
    package init(pid: Int32, debugRoots: [String]) throws(ProcessAccessError) {
        self.pid = pid
        memory = ProcessMemory(pid: pid)
        let mappings: MappingTable
        do { mappings = try ProcReader.maps(pid: pid) } catch {
            switch error {
            case .noSuchProcess, .zombie: throw .noSuchProcess(pid: pid)
            case .permissionDenied: throw .permissionDenied(pid: pid, operation: "read the mappings " +
                "of", ptraceScope: ProcReader.ptraceScope())
            default: throw .notPython(pid: pid, detail: "\(error)")
            }
        }
        if mappings.mappings.isEmpty, (try? ProcReader.stat(pid: pid))?.isZombie == true { throw .exited(pid: pid) }
        self.mappings = mappings
        let candidates = RuntimeLocation.candidateImages(pid: pid, mappings: mappings)
        if candidates.isEmpty, ProcReader.executableDenied(pid: pid) {
            throw .permissionDenied(pid: pid, operation: "read the executable of", ptraceScope: ProcReader.ptraceScope())
        }
        image = try PythonImage.locate(
            candidates: candidates,
            localPath: { RuntimeLocation.localPath($0, pid: pid) },
            base: { PythonImage.base(of: $0, in: mappings) },
            memory: memory, pid: pid, debugRoots: debugRoots)
    }

    /// The runtime address of symbol `name` in the interpreter image.
    public func address(of name: String) -> UInt64? { image.address(of: name) }

    /// Throws `.unsupportedVersion` unless memlens has layouts for this version.
    public func requireSupportedVersion() throws(ProcessAccessError) {
        guard version.major == 3, (8...15).contains(version.minor), PythonLayout.forVersion(version) != nil else {
            throw .unsupportedVersion(pid: pid, version: version.description)
        }
    }
}
