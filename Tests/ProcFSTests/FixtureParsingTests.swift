import Foundation
@testable import ProcFS
import Testing

/// Parsers against real `/proc` files captured by `cat` from CPython 3.11 paused
/// on a pipe (two threads, a touched 8 MiB bytearray) and from a zombie and a kernel thread.
struct FixtureParsingTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    static func parseSmaps(_ bytes: [UInt8], chunk: Int) -> MappingTable {
        var parser = SmapsParser()
        feedLineAligned(bytes, chunk: chunk) { parser.consume($0) }
        return parser.finish()
    }

    @Test func smapsMatchesRollup() throws {
        let table = Self.parseSmaps(try Self.fixture("python311_smaps.txt"), chunk: 1 << 20)
        let rollup = try Self.fixture("python311_smaps_rollup.txt").withUnsafeBufferPointer { MemoryCounters.parseRollup($0) }
        #expect(table.mappings.count == 110)
        #expect(rollup.rssBytes == 21748 * 1024)
        #expect(rollup.pssBytes == 20498 * 1024)
        #expect(rollup.privateDirtyBytes == 15080 * 1024)
        #expect(rollup.privateCleanBytes == 5056 * 1024)
        let sum = table.sum
        #expect(sum.rssBytes == rollup.rssBytes)
        #expect(sum.privateDirtyBytes == rollup.privateDirtyBytes)
        #expect(sum.privateCleanBytes == rollup.privateCleanBytes)
        #expect(sum.sharedCleanBytes == rollup.sharedCleanBytes)
        // Per-mapping PSS is rounded down to a kB, so the sum may only undercount.
        #expect(sum.pssBytes <= rollup.pssBytes)
    }

    @Test(arguments: [97, 4096, 65536])
    func smapsChunkBoundariesDoNotMatter(chunk: Int) throws {
        let bytes = try Self.fixture("python311_smaps.txt")
        let whole = Self.parseSmaps(bytes, chunk: 1 << 20)
        let pieces = Self.parseSmaps(bytes, chunk: chunk)
        #expect(pieces.mappings.count == whole.mappings.count)
        #expect(pieces.sum == whole.sum)
        #expect(pieces.paths == whole.paths)
    }

    @Test func mappingHeaderFields() throws {
        let table = Self.parseSmaps(try Self.fixture("python311_smaps.txt"), chunk: 1 << 20)
        let first = try #require(table.mappings.first)
        #expect(table.path(of: first).hasSuffix("python3.11"))
        #expect(first.permissions.text == "r--p")
        #expect(first.inode > 0)
        let heap = try #require(table.mappings.first { table.path(of: $0) == "[heap]" })
        #expect(heap.permissions.text == "rw-p")
        #expect(heap.start < heap.end)
        #expect(table.paths.contains { $0.hasSuffix(".so.6") || $0.contains("libc.so") })
    }

    @Test func kindsFindTheThreadStackAndTheBytearray() throws {
        let table = Self.parseSmaps(try Self.fixture("python311_smaps.txt"), chunk: 1 << 20)
        let kinds = table.byKind()
        // One 8 MiB thread stack (glibc: guard page, then the stack above it).
        let stacks = try #require(kinds[.threadStacks])
        #expect(stacks.sizeBytes >= 8 << 20)
        // The 8 MiB bytearray was touched: anonymous rw private dirty.
        let heap = try #require(kinds[.pythonHeap])
        #expect(heap.privateDirtyBytes >= 8 << 20)
        #expect(kinds[.libraryCode] != nil)
        var total = MemoryCounters()
        for (_, c) in kinds { total.add(c) }
        #expect(total == table.sum)
    }

    @Test func byLibraryRanksByPrivateThenPSS() throws {
        let table = Self.parseSmaps(try Self.fixture("python311_smaps.txt"), chunk: 1 << 20)
        let libraries = table.byLibrary()
        #expect(!libraries.isEmpty)
        #expect(libraries.allSatisfy { $0.path.hasPrefix("/") })
        for (a, b) in zip(libraries, libraries.dropFirst()) {
            #expect(a.usage.ussBytes > b.usage.ussBytes || (a.usage.ussBytes == b.usage.ussBytes && a.usage.pssBytes >= b.usage.pssBytes))
        }
    }

    @Test func permissionTableCoversEverything() throws {
        let table = Self.parseSmaps(try Self.fixture("python311_smaps.txt"), chunk: 1 << 20)
        let rows = table.byPermissions()
        var total = MemoryCounters()
        for row in rows { total.add(row.usage) }
        #expect(total == table.sum)
        #expect(rows.first?.mapped == true)
        #expect(rows.first?.permissions.text == "r-xp")
        #expect(rows.contains { !$0.mapped && $0.permissions.text == "rw-p" })
    }

    @Test func statusFields() throws {
        let status = try Self.fixture("python311_status.txt").withUnsafeBufferPointer { ProcessStatus.parse($0) }
        #expect(status.name == "python3.11")
        #expect(status.threads == 2)
        #expect(status.peakRSSBytes >= status.rssBytes)
        #expect(status.rssBytes > 8 << 20)
        #expect(status.parentPID > 0)
        #expect(status.tracerPID == 0)
        #expect(status.effectiveCapabilities == 0x1ff_feff_ffff)  // CapEff: 000001fffeffffff
    }

    @Test func statFields() throws {
        let stat = try #require(try Self.fixture("python311_stat.txt").withUnsafeBufferPointer { ProcessStat.parse($0) })
        #expect(stat.name == "python3.11")
        #expect(stat.state == UInt8(ascii: "S"))
        #expect(stat.parentPID == 1)
        #expect(stat.minorFaults == 4043)
        #expect(stat.majorFaults == 1)
        #expect(stat.threadCount == 2)
        #expect(stat.startTicks == 117198)
        #expect(stat.cpuTicks == 5)  // utime 3 + stime 2
        #expect(!stat.isZombie && !stat.isKernelThread)
    }

    @Test func statOfZombieKernelThreadAndOddName() throws {
        let zombie = try #require(try Self.fixture("zombie_stat.txt").withUnsafeBufferPointer { ProcessStat.parse($0) })
        #expect(zombie.isZombie)
        let kthread = try #require(try Self.fixture("kthread_stat.txt").withUnsafeBufferPointer { ProcessStat.parse($0) })
        #expect(kthread.isKernelThread)
        #expect(kthread.name == "kthreadd")
        let odd = try #require(try Self.fixture("odd_name_stat.txt").withUnsafeBufferPointer { ProcessStat.parse($0) })
        #expect(odd.name == "a) b)")
        #expect(odd.parentPID == 1)
        #expect(odd.majorFaults == 3)
    }

    @Test func truncatedStatIsRejected() {
        let text = Array("1234 (x) S 1 1".utf8)
        #expect(text.withUnsafeBufferPointer { ProcessStat.parse($0) } == nil)
    }
}
