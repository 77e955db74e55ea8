public import HeapAnalysis
public import Fragmentation
import ProcessModels

extension FragReport {
    /// The `--json` document: Swift names, written in snake case (``JSONOutput/string(_:layout:snakeCaseKeys:)``).
    struct Document: Encodable {
        struct Arenas: Encodable {
            var count: Int; var bytes: UInt64; var resident: UInt64; var used: UInt64; var freeInPools: UInt64; var emptyPools: UInt64
            var arenaBytes: UInt64; var reportedCount: UInt64?; var occupancy: [Int]
            /// `symbols`, or `search` (a stripped 3.8–3.11: ArenaTableSearch).
            var foundBy: String
            /// Time spent finding the table (the search's cost), in milliseconds.
            var locateMs: Double
        }
        struct Pinner: Encodable { var type: String; var address: String; var size: UInt64; var arenas: Int; var objects: Int }
        struct PinnedObject: Encodable { var type: String?; var address: String; var size: UInt64; var arena: String }
        struct Glibc: Encodable {
            var inUse: UInt64; var free: UInt64; var mmapped: UInt64; var top: UInt64?; var heapResident: UInt64
            var threadArenas: UInt64; var walked: Bool; var note: String?
            var mallinfo: [String: UInt64]?
        }
        struct Trim: Encodable {
            var called: Bool; var predicted: UInt64; var returned: UInt64
            var rssBefore: UInt64; var rssAfter: UInt64; var ussBefore: UInt64; var ussAfter: UInt64
        }
        struct HeldBy: Encodable {
            var snapshot: String; var found: Int; var missing: Int; var unreachable: Int; var snapshotPid: Int?
            var holders: [PinnerHolders.Row]
        }
        struct Owned: Encodable { var type: String; var bytes: UInt64; var blocks: Int }
        /// USS split as `frag` explains it; `unexplained` is what none of the parts holds.
        struct USSAccount: Encodable {
            var uss: UInt64; var objects: UInt64; var pymallocUsed: UInt64; var ownedNative: UInt64
            var ownedInHeap: UInt64; var ownedMmapped: UInt64; var ownedByType: [Owned]; var objectsWalked: Bool
            var walkNote: String?; var walkPauseMs: Double; var allocatorSlack: UInt64; var interpreterAndLibraries: UInt64
            var libraries: UInt64; var stacks: UInt64; var otherNative: UInt64; var unexplained: UInt64; var overcounted: UInt64
            var explainedFraction: Double
        }
        var ussAccount: USSAccount
        var pid: Int32; var python: String; var rss: UInt64; var uss: UInt64; var pauseMs: Double
        var writableAnonymous: UInt64; var pythonObjects: UInt64
        var arenas: Arenas; var pinnedArenas: Int; var pinnedBytes: UInt64; var pinnedThreshold: Double
        var pinners: [Pinner]; var pinnedObjects: [PinnedObject]
        var glibc: Glibc; var stacks: UInt64; var reclaimableByTrim: UInt64; var unexplained: UInt64
        var trim: Trim?; var heldBy: HeldBy?; var allocator: String?; var pythonmalloc: String?; var advice: [String]
    }

    static func ussAccount(_ c: MemoryAccount) -> Document.USSAccount {
        let o = c.owned
        let explained = c.ussBytes == 0 ? 0 : 1 - Double(c.ussUnexplainedBytes) / Double(c.ussBytes)
        return .init(uss: c.ussBytes, objects: c.objectBytes, pymallocUsed: c.arenaUsedBytes, ownedNative: o.bytes,
                     ownedInHeap: o.heapBytes, ownedMmapped: o.mmappedBytes,
                     ownedByType: o.rows.map { .init(type: $0.type, bytes: $0.bytes, blocks: $0.blocks) }, objectsWalked: o.walked,
                     walkNote: o.note, walkPauseMs: o.pauseMilliseconds, allocatorSlack: c.slackBytes,
                     interpreterAndLibraries: c.interpreterBytes, libraries: c.librariesBytes, stacks: c.stackBytes,
                     otherNative: c.otherNativeBytes, unexplained: c.ussUnexplainedBytes, overcounted: c.ussOvercountBytes,
                     explainedFraction: explained)
    }

    static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// The report as one JSON document (sizes in bytes, addresses as `0x…` strings).
    public static func json(_ a: FragAnalysis, malloc: MallocStats?, trim: TrimOutcome?, holders: PinnerHolders? = nil) throws -> String {
        let c = a.account
        var occupancy = [Int](repeating: 0, count: 10)
        for arena in a.arenas.arenas { occupancy[min(9, Int(Double(arena.usedBytes) / Double(a.layout.arenaBytes) * 10))] += 1 }
        let info = malloc.map(\.mallinfo).map { i in
            ["arena": i.arena, "ordblks": i.ordblks, "hblks": i.hblks, "hblkhd": i.hblkhd,
             "uordblks": i.uordblks, "fordblks": i.fordblks, "keepcost": i.keepcost]
        }
        let document = Document(
            ussAccount: ussAccount(c),
            pid: a.pid, python: a.python, rss: a.rssBytes, uss: a.ussBytes, pauseMs: a.pauseSeconds * 1000,
            writableAnonymous: c.writableAnonymousBytes, pythonObjects: c.arenaUsedBytes.addingSaturated(c.glibcInUseBytes),
            arenas: .init(count: a.arenas.arenas.count, bytes: a.arenas.arenaBytes, resident: c.arenaBytes, used: c.arenaUsedBytes,
                          freeInPools: c.arenaFreeInPoolsBytes, emptyPools: c.arenaEmptyPoolBytes, arenaBytes: a.layout.arenaBytes,
                          reportedCount: a.arenas.reportedArenaCount, occupancy: occupancy,
                          foundBy: a.tableOrigin.rawValue, locateMs: a.tableLocateSeconds * 1000),
            pinnedArenas: a.pinning.arenas.count, pinnedBytes: a.pinning.bytes, pinnedThreshold: a.pinning.threshold,
            pinners: a.pinning.pinners.map { .init(type: $0.type, address: hex($0.firstAddress), size: $0.bytes, arenas: $0.arenas,
                objects: $0.objects) },
            pinnedObjects: a.pinning.objects.map {
                .init(type: $0.type, address: hex($0.address), size: $0.blockBytes, arena: hex(a.arenas.arenas[$0.arena].address))
            },
            glibc: .init(inUse: c.glibcInUseBytes, free: c.glibcFreeBytes, mmapped: c.mmappedChunkBytes, top: a.heap?.topBytes,
                         heapResident: c.glibcHeapBytes, threadArenas: c.threadArenaBytes, walked: a.heap != nil, note: a.heapNote,
                         mallinfo: info),
            stacks: c.stackBytes, reclaimableByTrim: a.reclaimableByTrimBytes, unexplained: c.unexplainedBytes,
            trim: trim.map { .init(called: true, predicted: $0.predictedBytes, returned: $0.measuredBytes, rssBefore: $0.rssBefore,
                                   rssAfter: $0.rssAfter, ussBefore: $0.ussBefore, ussAfter: $0.ussAfter) },
            heldBy: holders.map { .init(snapshot: $0.file, found: $0.found, missing: $0.missing, unreachable: $0.unreachable,
                                         snapshotPid: $0.otherPid, holders: $0.rows) },
            allocator: a.allocators.replacement, pythonmalloc: a.allocators.pythonMalloc,
            advice: Advice.lines(for: a).map { $0.rendered(\.flag) })
        return try JSONOutput.string(document, snakeCaseKeys: true)
    }
}
