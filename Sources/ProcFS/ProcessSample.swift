#if canImport(Glibc)
import Glibc
#endif

/// One cheap look at a process's memory: `smaps_rollup` (RSS, PSS, USS,
/// writable, swap) and `stat` (page faults, threads), the same process on both
/// sides (start time checked). What `watch` samples every interval and `serve`
/// reads on every scrape.
public struct ProcessSample: Sendable, Equatable {
    public var pid: Int32
    public var memory: MemoryCounters
    public var stat: ProcessStat

    public init(pid: Int32, memory: MemoryCounters, stat: ProcessStat) {
        self.pid = pid; self.memory = memory; self.stat = stat
    }

    /// Reads process `pid`: `stat`, `smaps_rollup`, `stat` again. Throws
    /// `.exitedDuringRead` when it exited or the pid was reused meanwhile, and
    /// `.zombie` for a process that has exited and holds no memory.
    public static func read(pid: Int32) throws(ProcFSError) -> ProcessSample {
        let before = try ProcReader.stat(pid: pid)
        if before.isZombie { throw .zombie(pid: pid) }
        if before.isKernelThread { throw .kernelThread(pid: pid) }
        let memory = try ProcReader.rollup(pid: pid)
        let after: ProcessStat
        do { after = try ProcReader.stat(pid: pid) } catch .noSuchProcess { throw .exitedDuringRead(pid: pid) }
        if after.isZombie || after.startTicks != before.startTicks { throw .exitedDuringRead(pid: pid) }
        if memory.rssBytes == 0 && memory.swapBytes == 0 { throw .exitedDuringRead(pid: pid) }
        return ProcessSample(pid: pid, memory: memory, stat: after)
    }
}

extension ProcReader {
    /// The arguments of process `pid` from `/proc/PID/cmdline`, at most
    /// `limit` bytes of them (a target's command line is untrusted); empty for a
    /// kernel thread or a zombie.
    public static func commandLine(pid: Int32, limitBytes: Int = 4096) throws(ProcFSError) -> [String] {
        var bytes = try read(ProcFile(pid: pid, name: "cmdline"), limitBytes: limitBytes)
        if bytes.last == 0 { bytes.removeLast() }
        guard !bytes.isEmpty else { return [] }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The path `/proc/PID/exe` links to, or nil where it may not be read.
    public static func executable(pid: Int32) -> String? {
        link(ProcPaths.directory(pid: pid) + "/exe")
    }
}

extension ProcReader {
    /// Resident pages from `/proc/PID/statm` (its second field): a cheap
    /// check of whether anything was mapped in or out since the last look.
    public static func residentPages(pid: Int32) throws(ProcFSError) -> UInt64 {
        let bytes = try read(ProcFile(pid: pid, name: "statm"))
        return bytes.withUnsafeBufferPointer { text -> UInt64 in
            var i = 0
            while i < text.count && text[i] != 0x20 { i += 1 }
            i += 1
            return ByteParsing.decimal(text, from: &i)
        }
    }
}

extension ProcessSample {
    /// What was true just before `smaps_rollup` was last read: if it still
    /// holds, nothing was mapped, touched or swapped since.
    public struct RollupCheck: Sendable, Equatable {
        var startTicks: UInt64
        var residentPages: UInt64
        var minorFaults: UInt64
        var majorFaults: UInt64
    }

    /// Reads process `pid` like ``read(pid:)``, but keeps `previous`'s
    /// `smaps_rollup` figures when nothing could have changed them: the same
    /// resident pages (`statm`) and page-fault counts (`stat`) as just before
    /// that rollup was read — so an idle process costs no walk of its page
    /// tables. `check` is updated for the next call.
    public static func read(pid: Int32, after previous: ProcessSample?, check: inout RollupCheck?) throws(ProcFSError) -> ProcessSample {
        let stat = try ProcReader.stat(pid: pid)
        if stat.isZombie { throw .zombie(pid: pid) }
        let now = RollupCheck(startTicks: stat.startTicks, residentPages: try ProcReader.residentPages(pid: pid),
                              minorFaults: stat.minorFaults, majorFaults: stat.majorFaults)
        if let previous, now == check { return ProcessSample(pid: pid, memory: previous.memory, stat: stat) }
        let sample = try read(pid: pid)
        check = now
        return sample
    }
}
