import Foundation
import SafeFiles
import Testing

@Suite("SafeFiles: copies of files someone else wrote are bounded")
struct CopyTests {
    @Test("A file within the limit is copied byte for byte (0600); one over it is refused with nothing written; links and FIFOs too")
    func boundedCopy() throws {
        let base = try PrivateFolder.create(prefix: "memlens-copy-test")
        defer { base.remove() }
        let bytes = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try bytes.write(to: URL(fileURLWithPath: base.path + "/dump"))
        try FileManager.default.createSymbolicLink(atPath: base.path + "/link", withDestinationPath: base.path + "/dump")
        #expect(mkfifo(base.path + "/fifo", 0o600) == 0)

        let copy = base.path + "/copy"
        #expect(try base.directory.copyRegularFile("dump", to: copy, limitBytes: bytes.count) == bytes.count)
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == bytes)
        let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let refused = base.path + "/refused"
        let error = #expect(throws: FileSafetyError.self) {
            try base.directory.copyRegularFile("dump", to: refused, limitBytes: bytes.count - 1)
        }
        #expect(error?.description.contains("more than the \(bytes.count - 1) memlens accepts here (refused)") == true)
        #expect(!FileManager.default.fileExists(atPath: refused))
        #expect(throws: FileSafetyError.self) { try base.directory.copyRegularFile("link", to: refused, limitBytes: 1 << 30) }
        #expect(throws: FileSafetyError.self) { try base.directory.copyRegularFile("fifo", to: refused, limitBytes: 1 << 30) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path).sorted() == ["copy", "dump", "fifo", "link"])
    }
}
