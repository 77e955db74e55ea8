/// Where a process's memory is, as the kernel accounts it: totals from
/// `smaps_rollup`, and (unless only totals were asked for) every mapping from `smaps`.
public struct Footprint: Sendable {
    public var pid: Int32
    public var stat: ProcessStat
    public var status: ProcessStatus
    /// Whole-process counters: from `smaps_rollup` where the kernel has it
    /// (exact PSS), else summed from `smaps`.
    public var totals: MemoryCounters
    /// Whether ``totals`` came from `smaps_rollup`.
    public var totalsFromRollup: Bool
    /// Every mapping; nil when only totals were read.
    public var mappings: MappingTable?

    /// Resident set size in bytes.
    public var rssBytes: UInt64 { totals.rssBytes }
    /// Proportional set size in bytes.
    public var pssBytes: UInt64 { totals.pssBytes }
    /// Unique set size (private clean + private dirty) in bytes.
    public var ussBytes: UInt64 { totals.ussBytes }
    /// Writable memory (Σ Private_Dirty) in bytes.
    public var writableBytes: UInt64 { totals.writableBytes }
}

/// How much of `/proc/PID` to read.
public enum FootprintDetail: Sendable {
    /// `smaps_rollup`, `status` and `stat` only: cheap, no per-mapping detail.
    case totals
    /// Also every mapping from `smaps` (cost grows with the number of mappings).
    case mappings
}

/// Reads a ``Footprint``, checking the process is the same live one before
/// and after, so a partial read is never returned as complete.
public struct FootprintReader {
    /// Read size for `smaps` (the file is streamed, never held whole).
    public var chunkBytes = 1 << 20
    /// Test hook: runs after the first file is read, to provoke an exit mid-read.
    package var afterFirstRead: (() -> Void)?

    public init() {}

    /// The footprint of process `pid`.
    public func read(pid: Int32, detail: FootprintDetail = .mappings) throws(ProcFSError) -> Footprint {
        let before = try ProcReader.stat(pid: pid)
        if before.isZombie { throw .zombie(pid: pid) }
        if before.isKernelThread { throw .kernelThread(pid: pid) }
        afterFirstRead?()
        let status = try ProcReader.status(pid: pid)

        var totals: MemoryCounters?
        var table: MappingTable?
        // smaps_rollup (exact PSS) is read while a second thread reads smaps.
        func readRollup() throws(ProcFSError) {
            do {
                totals = try ProcReader.rollup(pid: pid)
            } catch .noSuchProcess(pid) {
                // No smaps_rollup before Linux 4.14 (or the process went away: checked below).
                totals = nil
            }
        }
        if detail == .mappings {
            table = try ProcReader.smaps(pid: pid, chunkBytes: chunkBytes, meanwhile: readRollup)
        } else {
            try readRollup()
            if totals == nil { table = try ProcReader.smaps(pid: pid, chunkBytes: chunkBytes) }
        }

        // The same process, still alive, and it had memory: else the read is partial.
        let after: ProcessStat
        do {
            after = try ProcReader.stat(pid: pid)
        } catch .noSuchProcess {
            throw .exitedDuringRead(pid: pid)
        }
        if after.isZombie || after.startTicks != before.startTicks { throw .exitedDuringRead(pid: pid) }
        if let table, table.mappings.isEmpty { throw .exitedDuringRead(pid: pid) }
        if let t = totals, t.rssBytes == 0, t.swapBytes == 0 { throw .exitedDuringRead(pid: pid) }

        var footprint = Footprint(
            pid: pid, stat: after, status: status,
            totals: totals ?? table?.sum ?? MemoryCounters(), totalsFromRollup: totals != nil,
            mappings: detail == .mappings ? table : nil
        )
        footprint.totals.sizeBytes = status.virtualBytes
        return footprint
    }
}

/// One-call readers of single `/proc/PID` files.
public enum ProcReader {
    /// `/proc/PID/stat`.
    public static func stat(pid: Int32) throws(ProcFSError) -> ProcessStat {
        let file = ProcFile(pid: pid, name: "stat")
        let bytes = try read(file)
        guard let stat = bytes.withUnsafeBufferPointer({ ProcessStat.parse($0) }) else {
            if bytes.isEmpty { throw .exitedDuringRead(pid: pid) }
            throw .malformed(pid: pid, file: file.path, detail: "fewer fields than expected")
        }
        return stat
    }

    /// `/proc/PID/status`.
    public static func status(pid: Int32) throws(ProcFSError) -> ProcessStatus {
        let bytes = try read(ProcFile(pid: pid, name: "status"))
        return bytes.withUnsafeBufferPointer { ProcessStatus.parse($0) }
    }

    /// `/proc/PID/smaps_rollup`; throws `.noSuchProcess` where the file does not exist.
    public static func rollup(pid: Int32) throws(ProcFSError) -> MemoryCounters {
        let bytes = try read(ProcFile(pid: pid, name: "smaps_rollup"))
        return bytes.withUnsafeBufferPointer { MemoryCounters.parseRollup($0) }
    }

    /// Every mapping from `/proc/PID/smaps`, read in `chunkBytes` pieces on a
    /// second thread while this one runs `meanwhile` and then parses.
    public static func smaps(
        pid: Int32, chunkBytes: Int = 1 << 20, meanwhile: () throws(ProcFSError) -> Void = {}
    ) throws(ProcFSError) -> MappingTable {
        let file = ProcFile(pid: pid, name: "smaps")
        var parser = SmapsParser()
        do {
            try PipelinedRead(chunkBytes: chunkBytes).run(file, meanwhile: meanwhile) { parser.consume($0) }
        } catch {
            switch error {
            case .read(let failure): throw file.error(failure)
            case .meanwhile(let inner): throw inner
            }
        }
        return parser.finish()
    }

    /// `file` to its end, or its first `limitBytes`.
    static func read(_ file: ProcFile, limitBytes: Int = .max) throws(ProcFSError) -> [UInt8] {
        do {
            return try file.readAll(limitBytes: limitBytes)
        } catch {
            throw file.error(error)
        }
    }
}
