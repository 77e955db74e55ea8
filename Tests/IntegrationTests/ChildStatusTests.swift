import Foundation
import Testing
import TestSupport

/// Every command that runs a child exits with the child's status.
@Suite("Child exit status")
struct ChildStatusTests {
    /// GIVEN an "interpreter" that exits 3 at once, WHEN memlens demo runs the
    /// example with it, THEN memlens exits 3, saying so in one line.
    @Test func demoExitsWithTheExamplesStatus() throws {
        let folder = try TestPaths.temporaryFolder("demo-status")
        let fake = folder.appending(path: "python").path
        try Data("#!/bin/sh\nexit 3\n".utf8).write(to: URL(fileURLWithPath: fake))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        let result = try runCommand([TestPaths.memlens, "demo", "--python", fake])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("error: the example exited with status 3"), "\(result.stderr)")
    }
}
