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

    @Test(.enabled(if: !PythonInterpreter.installed.isEmpty))
    func pipelinedReadInSmallChunksMatchesOneRead() throws {
        // GIVEN an idle Python with ~100 mappings (well over one 8 KiB chunk of smaps)
        let python = try #require(PythonInterpreter.installed.last)
        let pid = try #require(Self.spawn([python.path, "-c", "import decimal, json, email.mime.text, time; time.sleep(60)"]))
        defer { kill(pid, SIGKILL); Self.reap(pid) }
        func wholeRead() throws -> MappingTable {
            var parser = SmapsParser()
            let bytes = try ProcFile(pid: pid, name: "smaps").readAll()
            bytes.withUnsafeBufferPointer { parser.consume($0) }
            return parser.finish()
        }
        var whole = MappingTable(), piecewise = MappingTable(), again = MappingTable()
        for _ in 0..<50 {
            usleep(100_000)
            whole = try wholeRead()
            piecewise = try ProcReader.smaps(pid: pid, chunkBytes: 8192)
            again = try wholeRead()
            if whole.sum == again.sum && whole.mappings.count == again.mappings.count && whole.mappings.count > 50 { break }
        }
        // THEN the chunked, two-thread read parses to the same mappings
        #expect(piecewise.mappings.count == whole.mappings.count)
        #expect(piecewise.sum == whole.sum)
        #expect(piecewise.paths == whole.paths)
        #expect(zip(piecewise.mappings, whole.mappings).allSatisfy { $0.start == $1.start && $0.end == $1.end })
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
