/// The fields of `/proc/PID/stat` memlens uses.
public struct ProcessStat: Sendable, Equatable {
    /// The command name (`comm`), up to 15 bytes.
    public var name: String
    /// `R`, `S`, `D`, `Z` (zombie), `X` (dead), `T`, `t`, `I`.
    public var state: UInt8
    public var parentPID: Int32
    /// Kernel `PF_*` flags; `PF_KTHREAD` (0x0020_0000) marks a kernel thread.
    public var flags: UInt64
    public var minorFaults: UInt64
    public var majorFaults: UInt64
    public var threadCount: UInt64
    /// User plus system CPU time, in clock ticks (`utime + stime`).
    public var cpuTicks: UInt64
    /// Clock ticks since boot when the process started; with the pid it
    /// identifies a process (pids are reused).
    public var startTicks: UInt64

    public var isZombie: Bool { state == 0x5A || state == 0x58 }  // Z, X
    public var isKernelThread: Bool { flags & 0x0020_0000 != 0 }

    /// Parses the text of `/proc/PID/stat`; nil if it is not in the kernel's format.
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> ProcessStat? {
        // `pid (comm) state ppid …`: comm may hold spaces and ')', so take the last ')'.
        guard let open = text.firstIndex(of: 0x28) else { return nil }
        var close = text.count - 1
        while close > open && text[close] != 0x29 { close -= 1 }
        guard close > open, close + 2 < text.count else { return nil }
        let name = String(decoding: UnsafeBufferPointer(rebasing: text[(open + 1)..<close]), as: UTF8.self)
        var i = close + 2
        let state = text[i]
        i += 1
        // Fields after the state, numbered from 1 (ppid) as in proc(5) minus 3.
        var values: [UInt64] = []
        values.reserveCapacity(20)
        while values.count < 20 && i < text.count {
            while i < text.count && text[i] == 0x20 { i += 1 }
            var negative = false
            if i < text.count && text[i] == 0x2D { negative = true; i += 1 }
            let v = ByteParsing.decimal(text, from: &i)
            values.append(negative ? 0 : v)
            while i < text.count && text[i] != 0x20 && text[i] != 0x0A { i += 1 }
        }
        guard values.count == 20 else { return nil }
        return ProcessStat(
            name: name, state: state, parentPID: Int32(truncatingIfNeeded: values[0]), flags: values[5],
            minorFaults: values[6], majorFaults: values[8], threadCount: values[16], cpuTicks: values[10] &+ values[11],
            startTicks: values[18]
        )
    }
}

/// The fields of `/proc/PID/status` memlens uses (sizes in bytes).
public struct ProcessStatus: Sendable, Equatable {
    public var name = ""
    public var parentPID: Int32 = 0
    /// Real user id.
    public var uid: UInt32 = 0
    /// Effective user and group ids: whose rights the process's file creations have.
    public var effectiveUID: UInt32 = 0
    public var effectiveGID: UInt32 = 0
    /// The process tracing this one (a debugger, strace), 0 when none (`TracerPid`).
    public var tracerPID: Int32 = 0
    /// The effective capability set (`CapEff`, a bit per capability).
    public var effectiveCapabilities: UInt64 = 0
    public var threads: UInt64 = 0
    /// Peak resident set size (`VmHWM`).
    public var peakRSSBytes: UInt64 = 0
    public var rssBytes: UInt64 = 0
    public var rssAnonymousBytes: UInt64 = 0
    public var rssFileBytes: UInt64 = 0
    public var rssSharedMemoryBytes: UInt64 = 0
    public var virtualBytes: UInt64 = 0
    public var swapBytes: UInt64 = 0

    public init() {}

    /// Parses the text of `/proc/PID/status` (unknown lines are skipped).
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> ProcessStatus {
        var s = ProcessStatus()
        ByteParsing.forEachLine(text) { line in
            var i = 0
            if ByteParsing.key(line, is: "Name", index: &i) {
                while i < line.count && line[i] == 0x09 { i += 1 }
                s.name = String(decoding: UnsafeBufferPointer(rebasing: line[i...]), as: UTF8.self)
            } else if ByteParsing.key(line, is: "PPid", index: &i) {
                s.parentPID = Int32(truncatingIfNeeded: ByteParsing.decimal(line, from: &i))
            } else if ByteParsing.key(line, is: "Uid", index: &i) {
                s.uid = UInt32(truncatingIfNeeded: ByteParsing.decimal(line, from: &i))
                s.effectiveUID = UInt32(truncatingIfNeeded: ByteParsing.decimal(line, from: &i))
            } else if ByteParsing.key(line, is: "Gid", index: &i) {
                _ = ByteParsing.decimal(line, from: &i)
                s.effectiveGID = UInt32(truncatingIfNeeded: ByteParsing.decimal(line, from: &i))
            } else if ByteParsing.key(line, is: "TracerPid", index: &i) {
                s.tracerPID = Int32(truncatingIfNeeded: ByteParsing.decimal(line, from: &i))
            } else if ByteParsing.key(line, is: "CapEff", index: &i) {
                while i < line.count && line[i] == 0x09 { i += 1 }
                s.effectiveCapabilities = ByteParsing.hex(line, from: &i)
            } else if ByteParsing.key(line, is: "Threads", index: &i) {
                s.threads = ByteParsing.decimal(line, from: &i)
            } else if ByteParsing.key(line, is: "VmHWM", index: &i) {
                s.peakRSSBytes = ByteParsing.kilobytes(line, from: i)
            } else if ByteParsing.key(line, is: "VmRSS", index: &i) {
                s.rssBytes = ByteParsing.kilobytes(line, from: i)
            } else if ByteParsing.key(line, is: "RssAnon", index: &i) {
                s.rssAnonymousBytes = ByteParsing.kilobytes(line, from: i)
            } else if ByteParsing.key(line, is: "RssFile", index: &i) {
                s.rssFileBytes = ByteParsing.kilobytes(line, from: i)
            } else if ByteParsing.key(line, is: "RssShmem", index: &i) {
                s.rssSharedMemoryBytes = ByteParsing.kilobytes(line, from: i)
            } else if ByteParsing.key(line, is: "VmSize", index: &i) {
                s.virtualBytes = ByteParsing.kilobytes(line, from: i)
            } else if ByteParsing.key(line, is: "VmSwap", index: &i) {
                s.swapBytes = ByteParsing.kilobytes(line, from: i)
            }
        }
        return s
    }
}

extension MemoryCounters {
    /// Parses the text of `/proc/PID/smaps_rollup` (the `[rollup]` header line is skipped).
    public static func parseRollup(_ text: UnsafeBufferPointer<UInt8>) -> MemoryCounters {
        var c = MemoryCounters()
        ByteParsing.forEachLine(text) { line in _ = c.parse(line) }
        return c
    }
}
