import Foundation
public import ProcFS

/// Which allocators serve the process: a preloaded replacement for malloc
/// (jemalloc, mimalloc, tcmalloc) and whether pymalloc is switched off.
public struct Allocators: Sendable {
    /// The malloc replacement mapped into the process, if any.
    public var replacement: String?
    /// `PYTHONMALLOC` in the process's environment, if set.
    public var pythonMalloc: String?

    /// Whether Python objects go straight to malloc (PYTHONMALLOC=malloc or malloc_debug).
    public var pymallocDisabled: Bool { pythonMalloc?.hasPrefix("malloc") ?? false }

    /// Reads `/proc/PID/environ` and looks for allocator libraries among `mappings`.
    public static func detect(pid: Int32, mappings: MappingTable) -> Allocators {
        var result = Allocators()
        for path in mappings.paths {
            let name = (path as NSString).lastPathComponent
            for known in ["jemalloc", "mimalloc", "tcmalloc"] where name.hasPrefix("lib" + known) {
                result.replacement = known
            }
        }
        for entry in (try? ProcReader.environment(pid: pid)) ?? [] where entry.utf8.starts(with: "PYTHONMALLOC=".utf8) {
            result.pythonMalloc = String(decoding: entry.utf8.dropFirst("PYTHONMALLOC=".utf8.count), as: UTF8.self)
        }
        return result
    }
}
