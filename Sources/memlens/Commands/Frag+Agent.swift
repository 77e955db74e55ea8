import Agent
import Fragmentation
import HeapAnalysis
import HeapGraph
import ProcFS
import PythonProcess
import Reports
import SafeFiles

/// What `memlens frag PID` asks of the agent in the target (`--trim`,
/// `--malloc-stats`, `--paths`): composed here, as Agent, Fragmentation and
/// HeapAnalysis do not depend on one another.
extension FragCommand {
    /// glibc's malloc statistics from the agent (`--malloc-stats`), and with
    /// `--trim` what malloc_trim(0) gave back: RSS and USS around the call.
    func measureMalloc(predictedBytes: UInt64) throws -> (MallocStats?, FragReport.TrimOutcome?) {
        let before = try reportingErrors { try ProcReader.rollup(pid: pid) }
        let malloc = try reportingErrors { try runMallocJob(trim: trim) }
        guard trim, let measured = malloc.trimmedBytes else { return (malloc, nil) }
        let after = try reportingErrors { try ProcReader.rollup(pid: pid) }
        return (malloc, FragReport.TrimOutcome(predictedBytes: predictedBytes, rssBefore: before.rssBytes, rssAfter: after.rssBytes,
                                                ussBefore: before.ussBytes, ussAfter: after.ussBytes, measuredBytes: measured))
    }

    /// Reads the target's heap from outside (the read-only snapshot's walk) and finds the pinners in it.
    func takeSnapshotForHolders(_ pinning: Pinning) throws -> PinnerHolders {
        let graph = try ReadOnlySnapshot.graph(pid: pid, values: true) { line in
            report.progress("memlens: \(line)")
        }
        var holders = PinnerHolders(pinned: pinning.typedObjects, graph: graph, file: "(read by --paths, not kept)", pid: pid)
        holders.source = "a read-only snapshot taken just after"
        return holders
    }

    /// Runs `target/frag.py` in the target: mallinfo2, malloc_info and, with `trim`, malloc_trim(0).
    func runMallocJob(trim: Bool) throws -> MallocStats {
        let job = Attacher.Job(source: "target/frag.py", entry: "malloc_job", settings: ["TRIM": trim ? "True" : "False"])
        let data = try Attacher.run(job, pid: pid, timeoutSeconds: timeout.seconds, interrupts: InterruptGuard(), progress: { line in
            report.progress("memlens: \(line)")
        }) { output in
            try output.read("frag.json")
        }
        return try MallocStats.decode(data)
    }
}
