import Foundation
@testable import ProcFS
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The small readers other targets use instead of spelling `/proc` paths,
/// on this test process: each answers what Foundation reads of the same file,
/// and a limit bounds what is read.
@Suite struct ProcessFilesTests {
    @Test func boundedReadIsAPrefixOfTheWholeFile() throws {
        let whole = try ProcFile(pid: getpid(), name: "maps").readAll()
        let head = try ProcFile(pid: getpid(), name: "maps").readAll(initialCapacity: 16, limitBytes: 100)
        #expect(whole.count > 100)
        #expect(head == Array(whole.prefix(100)))
    }

    @Test func readsThisProcess() throws {
        let pid = getpid()
        #expect(ProcReader.exists(pid: pid))
        #expect(try ProcReader.environment(pid: pid).contains { $0.hasPrefix("PATH=") })
        #expect(try ProcReader.environment(pid: pid, limitBytes: 8).count == 1)
        #expect(try ProcReader.commandLine(pid: pid, limitBytes: 4).joined().utf8.count <= 4)
        #expect(ProcReader.threadIDs(pid: pid)?.contains(pid) == true)
        #expect(try ProcReader.commandName(pid: pid).count <= 64)
        #expect(ProcReader.statusOwner(pid: pid) == geteuid())
        #expect(ProcReader.userNamespace(pid: pid) == (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/user")))
        #expect(ProcReader.waitChannel(pid: pid, thread: pid) != nil)
        #expect(!ProcReader.executableDenied(pid: pid))
        #expect(ProcPaths.root(pid: pid) == "/proc/\(pid)/root")
    }

    @Test func aMissingProcessIsNone() {
        let pid: Int32 = 0x3FFF_FFFF  // above pid_max
        #expect(!ProcReader.exists(pid: pid))
        #expect(ProcReader.threadIDs(pid: pid) == nil)
        #expect(ProcReader.statusOwner(pid: pid) == nil)
        #expect(throws: ProcFSError.noSuchProcess(pid: pid)) { try ProcReader.environment(pid: pid) }
    }
}
