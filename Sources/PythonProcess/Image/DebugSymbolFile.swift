import Foundation

/// Separate debug symbols for a stripped image: the file named by its GNU
/// build-id under `/usr/lib/debug/.build-id/` (what Debian's `-dbg`/`-dbgsym`
/// and Fedora's `-debuginfo` packages install, and where gdb looks). Its
/// `.symtab` holds the static symbols `strip` removed (obmalloc's `arenas`),
/// at the same virtual addresses as the stripped file.
public enum DebugSymbolFile {
    /// The system's folder of separate debug files.
    public static let systemRoot = "/usr/lib/debug"

    /// `ROOT/.build-id/xx/yyyy.debug` for `file`'s build-id under the first of
    /// `roots` that has it, or nil (no build-id note, or not installed).
    public static func path(for file: ELFFile, roots: [String] = [systemRoot]) -> String? {
        guard let id = buildID(of: file), id.count > 1 else { return nil }
        let hex = id.map { String(format: "%02x", $0) }
        let name = "/.build-id/\(hex[0])/\(hex.dropFirst().joined()).debug"
        return roots.map { $0 + name }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Whether `/usr/lib/debug/.build-id/xx/yyyy.debug` exists for `file`.
    public static func exists(for file: ELFFile) -> Bool { path(for: file) != nil }

    /// The descriptor of the `.note.gnu.build-id` note (namesz, descsz, type, "GNU\0", id).
    public static func buildID(of file: ELFFile) -> [UInt8]? {
        guard let section = file.sections.first(where: { $0.name == ".note.gnu.build-id" }), section.size >= 16, section.size < 1024,
              let bytes = try? file.bytes(at: section.offset, count: section.size) else { return nil }
        let nameSize = Int(bytes.le(UInt32.self, 0)), descSize = Int(bytes.le(UInt32.self, 4))
        guard nameSize < 64, descSize < 256 else { return nil }
        let start = 12 + (nameSize + 3) & ~3
        guard start + descSize <= bytes.count else { return nil }
        return Array(bytes[start..<start + descSize])
    }
}
