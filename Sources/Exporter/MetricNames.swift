import Prometheus

/// Every metric `serve` exports, in one place: Prometheus names (namespace
/// `memlens`, base units, `_total` on counters) and their help text.
enum MetricNames {
    private static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "memlens", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
    }

    static let targets = name("", "targets", "", "Processes selected and readable at this scrape.")
    static let scrapeDuration = name("", "scrape_duration", "seconds", "Time this whole scrape took, in seconds.")
    static let up = name("target", "up", "", "1 if the process's memory was read at this scrape, 0 if it may not be read.")
    static let readError = name("target", "read_error", "",
                                "1 for each part of the process that could not be read (source) and why (reason).")
    static let targetDuration = name("target", "scrape_duration", "seconds", "Time reading this process took at this scrape, in seconds.")

    static let rss = name("process", "resident_memory", "bytes", "Resident set size (RSS) from smaps_rollup, in bytes.")
    static let pss = name("process", "proportional_memory", "bytes", "Proportional set size (PSS) from smaps_rollup, in bytes.")
    static let uss = name("process", "unique_memory", "bytes", "Unique set size (USS: private clean + private dirty), in bytes.")
    static let writable = name("process", "writable_memory", "bytes", "Writable memory (Private_Dirty from smaps_rollup), in bytes.")
    static let swap = name("process", "swap", "bytes", "Swapped-out memory from smaps_rollup, in bytes.")
    static let minorFaults = name("process", "minor_page_faults", "total", "Minor page faults since the process started.")
    static let majorFaults = name("process", "major_page_faults", "total", "Major page faults since the process started.")
    static let threads = name("process", "threads", "", "OS threads of the process.")

    static let censusAge = name("census", "age", "seconds", "Seconds since the cached census was taken.")
    static let censusPause = name("census", "pause", "seconds", "How long the last census stopped the process, in seconds.")
    static let gcObjects = name("python_gc", "objects", "", "Objects tracked in each collector generation.")
    static let gcCollections = name("python_gc", "collections", "total", "Collections of each generation since start-up.")
    static let gcFrozen = name("python_gc", "frozen_objects", "", "Objects in the permanent generation (gc.freeze()).")
    static let typeObjects = name("python_type", "objects", "",
                                  "GC-tracked objects of each type; the types past the top N are summed as type=\"other\".")
    static let typeSize = name("python_type", "size", "bytes",
                               "sys.getsizeof summed over each type's objects, in bytes; past the top N summed as type=\"other\".")
    static let arenaAllocated = name("pymalloc", "arena_allocated", "bytes", "Size of pymalloc's allocated arenas, in bytes.")
    static let arenaUsed = name("pymalloc", "arena_used", "bytes", "Bytes in allocated pymalloc blocks, in bytes.")
    static let arenaPinned = name("pymalloc", "arena_pinned", "bytes",
                                  "Size of arenas at most 10% used (kept mapped by a few blocks), in bytes.")
}

// A struct of immutable strings: safe to share (swift-prometheus 2.4 does not say so).
extension MetricNameDescriptor: @retroactive @unchecked Sendable {}
