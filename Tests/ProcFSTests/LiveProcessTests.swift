import Foundation
@testable import ProcFS
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The reader on real processes: this test process, and short-lived children
/// that exit, linger as zombies or are killed mid-read.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct LiveProcessTests {
    @Test func readsThisProcess() throws {
        let footprint = try FootprintReader().read(pid: getpid())
        let table = try #require(footprint.mappings)
        #expect(footprint.totalsFromRollup)
        #expect(footprint.rssBytes > 0)
        #expect(footprint.pssBytes <= footprint.rssBytes)
        #expect(footprint.ussBytes <= footprint.pssBytes)
        #expect(footprint.status.peakRSSBytes >= footprint.status.rssBytes)
        #expect(table.mappings.count > 10)
        #expect(footprint.stat.minorFaults > 0)
    }

    @Test func totalsOnlySkipsSmaps() throws {
        let footprint = try FootprintReader().read(pid: getpid(), detail: .totals)
        #expect(footprint.mappings == nil)
        #expect(footprint.rssBytes > 0)
    }

    @Test func noSuchProcess() {
        // Above PID_MAX_LIMIT (2^22), so never a live pid.
        #expect(throws: ProcFSError.noSuchProcess(pid: 4_194_305)) { try FootprintReader().read(pid: 4_194_305) }
    }

    @Test func zombie() throws {
        let pid = try #require(Self.spawn(["/bin/true"]))
        defer { Self.reap(pid) }
        // GIVEN a child that exited and is not yet reaped
        var state: UInt8 = 0
        for _ in 0..<200 {
            state = (try? ProcReader.stat(pid: pid).state) ?? 0
            if state == UInt8(ascii: "Z") { break }
            usleep(10_000)
        }
        try #require(state == UInt8(ascii: "Z"))
        // THEN it is reported as a zombie
        #expect(throws: ProcFSError.zombie(pid: pid)) { try FootprintReader().read(pid: pid) }
    }

    @Test func exitDuringReadIsNotAPartialResult() throws {
        let pid = try #require(Self.spawn(["/bin/sleep", "60"]))
        defer { Self.reap(pid) }
        var reader = FootprintReader()
        // WHEN the process is killed after the first file was read
        reader.afterFirstRead = {
            kill(pid, SIGKILL)
            for _ in 0..<200 where (try? ProcReader.stat(pid: pid).isZombie) != true { usleep(5_000) }
        }
        #expect(throws: ProcFSError.exitedDuringRead(pid: pid)) { try reader.read(pid: pid) }
    }

    @Test func descendantsOfAShell() throws {
        let pid = try #require(Self.spawn(["/bin/sh", "-c", "sleep 30 & sleep 30 & wait"]))
        defer { kill(-pid, SIGKILL); kill(pid, SIGKILL); Self.reap(pid) }
        var links: [ProcessLink] = []
        for _ in 0..<200 {
            links = try ProcessTree.descendants(of: pid)
            if links.count >= 3 { break }
            usleep(10_000)
        }
        #expect(links.first?.pid == pid)
        #expect(links.count == 3)
        #expect(links.dropFirst().allSatisfy { $0.parentPID == pid && $0.depth == 1 })
        for link in links.dropFirst() { kill(link.pid, SIGKILL) }
    }

    static func spawn(_ argv: [String]) -> Int32? {
        var pid: pid_t = 0
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        guard posix_spawn(&pid, argv[0], nil, &attributes, cargs, environ) == 0 else { return nil }
        return pid
    }

    static func reap(_ pid: Int32) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}
