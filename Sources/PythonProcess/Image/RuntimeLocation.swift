import Foundation
import ProcFS

/// Where `_PyRuntime` is in a live process, found as CPython's own remote
/// debugging client finds it: the `.PyRuntime` section of the executable or
/// of a mapped `libpython` (3.13+; section headers survive `strip`), else
/// the `_PyRuntime` symbol. Reads only `/proc` and the ELF headers.
public struct RuntimeLocation: Sendable {
    /// The image holding `_PyRuntime`, as the target maps it.
    public let imagePath: String
    /// Address of `_PyRuntime` in the target.
    public let address: UInt64

    /// The images that may hold the interpreter: the executable, then mapped
    /// files named `libpython…`. Paths are as the target maps them; read them
    /// here through ``localPath(_:pid:)``.
    public static func candidateImages(pid: Int32) -> [String] {
        candidateImages(pid: pid, mappings: (try? ProcReader.maps(pid: pid)) ?? MappingTable())
    }

    static func candidateImages(pid: Int32, mappings: MappingTable) -> [String] {
        PythonImage.candidates(executable: ProcReader.executable(pid: pid),
                               paths: mappings.paths)
    }

    /// `path` through `/proc/PID/root`, so a target in another mount namespace works.
    public static func localPath(_ path: String, pid: Int32) -> String {
        let rooted = ProcPaths.root(pid: pid) + path
        return FileManager.default.fileExists(atPath: rooted) ? rooted : path
    }

    /// `_PyRuntime` in process `pid`; nil when no candidate image has a
    /// `.PyRuntime` section or a `_PyRuntime` symbol.
    public static func find(pid: Int32) -> RuntimeLocation? {
        guard let mappings = try? ProcReader.maps(pid: pid) else { return nil }
        for path in candidateImages(pid: pid, mappings: mappings) {
            guard let file = try? ELFFile(path: localPath(path, pid: pid)), let first = file.firstLoadAddress,
                  let base = PythonImage.base(of: path, in: mappings)
            else { continue }
            let fileAddress = file.sections.first { $0.name == ".PyRuntime" }?.address
                ?? (try? ELFSymbols(file: file))?.address(of: "_PyRuntime")
            if let fileAddress { return RuntimeLocation(imagePath: path, address: fileAddress &+ (base &- first)) }
        }
        return nil
    }
}
