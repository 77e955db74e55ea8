import Foundation
import ProcFS
import Testing
import TestSupport

/// `memlens footprint` on real Python processes, compared with the kernel's own figures.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FootprintAcceptanceTests {
    static let python = PythonInterpreter.installed.last

    @Test(.enabled(if: python != nil))
    func bytearrayOf200MiBMatchesTheKernelToTheByte() throws {
        // GIVEN a target holding a touched 200 MiB bytearray, paused on a pipe
        let target = try WaitingTarget(try #require(Self.python), script: """
            import sys
            data = bytearray(200 << 20)
            for i in range(0, len(data), 4096):
                data[i] = 1
            sys.stdout.write("ready\\n"); sys.stdout.flush()
            sys.stdin.read()
            """)
        defer { target.finish() }
        #expect(target.firstLine == "ready")
        // WHEN memlens measures it between two readings of smaps_rollup by the test.
        // PSS of shared library pages moves when other processes map or unmap the
        // same files, so retry until both readings agree (the target itself is idle).
        var before: [String: UInt64] = [:], after: [String: UInt64] = ["": 1]
        var library: Footprint?
        for _ in 0..<10 where before != after {
            before = try kernelRollup(target.pid)
            library = try FootprintReader().read(pid: target.pid)
            after = try kernelRollup(target.pid)
        }
        // THEN the library's figures equal the kernel's, to the byte (read from this
        // process, which maps nothing new, so even PSS holds still)
        try #require(before == after, "the target's smaps_rollup never held still")
        let footprint = try #require(library)
        let private_ = (before["Private_Clean"] ?? 0) + (before["Private_Dirty"] ?? 0)
        #expect(footprint.rssBytes == before["Rss"])
        #expect(footprint.pssBytes == before["Pss"])
        #expect(footprint.ussBytes == private_)
        #expect(footprint.writableBytes == before["Private_Dirty"])
        #expect(footprint.totals.swapBytes == before["Swap"])

        // AND the command's, too, except that while memlens runs it shares libc & co.
        // with the target, which lowers the target's file-backed PSS (and USS) by memlens's share.
        let (full, json) = try memlensJSON(["footprint", String(target.pid), "--json"])
        let (_, totals) = try memlensJSON(["footprint", String(target.pid), "--totals", "--json"])
        let now = try kernelRollup(target.pid)
        #expect(full.status == 0, "\(full.stderr)")
        for document in [json, totals] {
            #expect(document["rss"] as? UInt64 == now["Rss"])
            // A library page turns from private to shared while memlens (or any other
            // process, tests run in parallel) maps it too, and back when that process
            // exits: USS moves by file-backed pages only, in either direction. The
            // anonymous memory is exact (writable, below).
            let uss = try #require(document["uss"] as? UInt64)
            let fileBacked = (now["Rss"] ?? 0) - (now["Anonymous"] ?? 0)
            #expect(max(uss, private_) - min(uss, private_) <= fileBacked, "USS \(uss) vs kernel \(private_)")
            #expect(document["writable"] as? UInt64 == now["Private_Dirty"])
            #expect(document["swap"] as? UInt64 == now["Swap"])
            let pss = try #require(document["pss"] as? UInt64)
            let kernelPSS = now["Pss"] ?? 0
            #expect(max(pss, kernelPSS) - min(pss, kernelPSS) <= fileBacked, "PSS \(pss) vs kernel \(kernelPSS)")
        }
        #expect((json["writable"] as? UInt64 ?? 0) >= 200 << 20)
        let kinds = try #require(json["by_kind"] as? [String: UInt64])
        #expect((kinds["python_heap"] ?? 0) >= 200 << 20)
        let libraries = try #require(json["by_library"] as? [[String: Any]])
        #expect(libraries.contains { ($0["path"] as? String)?.contains("python") == true })
    }

    @Test(.enabled(if: python != nil))
    func preforkedChildrenCountSharedMemoryOnce() throws {
        // GIVEN a parent that wrote 100 MiB, then forked 3 children that share it
        let target = try WaitingTarget(try #require(Self.python), script: """
            import os, sys
            data = b"\\x01" * (100 << 20)
            children = []
            for _ in range(3):
                pid = os.fork()
                if pid == 0:
                    sys.stdin.read()
                    os._exit(0)
                children.append(pid)
            sys.stdout.write("ready\\n"); sys.stdout.flush()
            sys.stdin.read()
            for pid in children:
                os.waitpid(pid, 0)
            """)
        defer { target.finish() }
        #expect(target.firstLine == "ready")
        // WHEN memlens walks the tree
        let (result, json) = try memlensJSON(["footprint", "--children", String(target.pid), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let processes = try #require(json["processes"] as? [[String: Any]])
        let totalPSS = try #require(json["total_pss"] as? UInt64)
        let totalRSS = try #require(json["total_rss"] as? UInt64)
        // THEN four processes each map the 100 MiB, but the tree's PSS counts it once
        #expect(processes.count == 4)
        #expect(processes.dropFirst().allSatisfy { $0["ppid"] as? Int32 == target.pid })
        // AND each process's mapping count, from /proc/PID/maps (a forked child keeps its parent's mappings)
        #expect(processes.allSatisfy { ($0["mappings"] as? Int ?? 0) > 10 }, "\(processes)")
        #expect(totalRSS >= 400 << 20)
        #expect(totalPSS >= 100 << 20)
        #expect(totalPSS < 150 << 20, "total PSS \(totalPSS) counts the shared 100 MiB more than once")
        let text = try runCommand([TestPaths.memlens, "footprint", "--children", String(target.pid)])
        #expect(text.stdout.contains("Total PSS"))
        #expect(text.stdout.contains(" Maps "))
    }
}
