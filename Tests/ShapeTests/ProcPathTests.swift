import Foundation
import Testing
import TestSupport

/// `/proc` is read in one place: the string `/proc/` may appear in code only
/// under Sources/ProcFS, whose readers bound what they read. Comments may
/// name `/proc` files, and so may help text that spells the pid as `PID`
/// (`/proc/PID/smaps_rollup`): prose, never a path that is opened.
@Suite("/proc only through ProcFS")
struct ProcPathTests {
    /// The one target that may spell a `/proc` path.
    static let procFS = "Sources/ProcFS/"

    /// The `file:line` of every `/proc/` outside ProcFS in `text`: not on a
    /// comment line, not written as prose (`/proc/PID`).
    static func sites(in text: String, file: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.compactMap { index -> String? in
            let line = lines[index]
            if line.drop(while: { $0 == " " }).hasPrefix("//") { return nil }
            let code = line.replacingOccurrences(of: "/proc/PID", with: "")
            return code.contains("/proc/") ? "\(file):\(index + 1)" : nil
        }
    }

    @Test("No Swift file outside Sources/ProcFS spells a /proc/ path")
    func procPathsOnlyInProcFS() throws {
        let sources = TestPaths.packageRoot.appending(path: "Sources")
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let file = enumerator?.nextObject() as? String {
            let path = "Sources/" + file
            guard path.hasSuffix(".swift"), !path.hasPrefix(Self.procFS) else { continue }
            let text = try String(contentsOf: sources.appending(path: file), encoding: .utf8)
            found += Self.sites(in: text, file: path)
        }
        #expect(found.isEmpty, "/proc/ outside ProcFS (read it through ProcReader or ProcPaths): \(found.sorted())")
    }

    @Test("The scan skips comments and prose, and finds code")
    func scanSeesCodeOnly() {
        let source = """
            /// Reads `/proc/PID/environ`.
              // the kernel's /proc/self/maps
            let help = "reads /proc/PID/smaps_rollup"
            let path = "/proc/\\(pid)/cmdline"
            """
        #expect(Self.sites(in: source, file: "F.swift") == ["F.swift:4"])
    }
}
