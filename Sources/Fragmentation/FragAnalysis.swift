public import ProcFS

/// Everything `memlens frag PID` measures in a live process, read from its
/// memory and `/proc` with no code run in it (PythonProcess's
/// `FragAnalysis.measure` reads it).
public struct FragAnalysis: Sendable {
    public var pid: Int32
    public var python: String
    public var layout: ObmallocLayout
    public var arenas: ArenaMap
    /// How the arena table was found: by symbol, or by search (a stripped 3.8–3.11).
    public var tableOrigin: ArenaTableOrigin
    /// Time spent finding the table, in seconds (the search's cost; while stopped).
    public var tableLocateSeconds: Double
    public var residency: ArenaResidency?
    public var pinning: Pinning
    /// The main glibc heap; nil where there is none or it could not be walked.
    public var heap: GlibcHeap?
    /// Why the heap was not walked, when it was not.
    public var heapNote: String?
    public var account: MemoryAccount
    public var allocators: Allocators
    /// RSS and USS from `smaps_rollup`, read after the process was resumed.
    public var rssBytes: UInt64
    public var ussBytes: UInt64
    /// How long the process was stopped, in seconds.
    public var pauseSeconds: Double

    /// What a measure found, put together.
    public init(pid: Int32, python: String, layout: ObmallocLayout, arenas: ArenaMap, tableOrigin: ArenaTableOrigin,
                tableLocateSeconds: Double, residency: ArenaResidency?, pinning: Pinning, heap: GlibcHeap?, heapNote: String?,
                account: MemoryAccount, allocators: Allocators, rssBytes: UInt64, ussBytes: UInt64, pauseSeconds: Double) {
        self.pid = pid
        self.python = python
        self.layout = layout
        self.arenas = arenas
        self.tableOrigin = tableOrigin
        self.tableLocateSeconds = tableLocateSeconds
        self.residency = residency
        self.pinning = pinning
        self.heap = heap
        self.heapNote = heapNote
        self.account = account
        self.allocators = allocators
        self.rssBytes = rssBytes
        self.ussBytes = ussBytes
        self.pauseSeconds = pauseSeconds
    }

    /// Bytes `malloc_trim(0)` is predicted to return: resident pages inside
    /// free glibc chunks and above the top chunk's minimum.
    public var reclaimableByTrimBytes: UInt64 { heap?.trimmableBytes ?? 0 }
}
