import Foundation
import PythonProcess

/// Separate debug symbols gdb would load for a stripped image: the file
/// named by its GNU build-id under `/usr/lib/debug/.build-id/` (what
/// Debian's `-dbg`/`-dbgsym` packages install).
enum DebugSymbolFile {
    /// Whether `/usr/lib/debug/.build-id/xx/yyyy.debug` exists for `file`.
    static func exists(for file: ELFFile) -> Bool {
        guard let id = buildID(of: file), id.count > 1 else { return false }
        let hex = id.map { String(format: "%02x", $0) }
        let path = "/usr/lib/debug/.build-id/\(hex[0])/\(hex.dropFirst().joined()).debug"
        return FileManager.default.fileExists(atPath: path)
    }

    /// The descriptor of the `.note.gnu.build-id` note (namesz, descsz, type, "GNU\0", id).
    static func buildID(of file: ELFFile) -> [UInt8]? {
        guard let section = file.sections.first(where: { $0.name == ".note.gnu.build-id" }), section.size >= 16, section.size < 1024,
              let handle = FileHandle(forReadingAtPath: file.path) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: section.offset)) != nil,
              let data = try? handle.read(upToCount: Int(section.size)), data.count == Int(section.size) else { return nil }
        let bytes = [UInt8](data)
        func word(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        let nameSize = word(0), descSize = word(4)
        let start = 12 + (nameSize + 3) & ~3
        guard start + descSize <= bytes.count else { return nil }
        return Array(bytes[start..<start + descSize])
    }
}
