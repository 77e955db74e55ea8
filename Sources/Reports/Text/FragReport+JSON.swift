public import HeapAnalysis
public import Fragmentation
import ProcessModels

extension FragReport {
    struct Document: Encodable {
        struct Arenas: Encodable {
            var count: Int; var bytes: UInt64; var resident: UInt64; var used: UInt64; var free_in_pools: UInt64; var empty_pools: UInt64
            var arena_bytes: UInt64; var reported_count: UInt64?; var occupancy: [Int]
            /// `symbols`, or `search` (a stripped 3.8–3.11: ArenaTableSearch).
            var found_by: String
            /// Time spent finding the table (the search's cost), in milliseconds.
            var locate_ms: Double
        }
        struct Pinner: Encodable { var type: String; var address: String; var size: UInt64; var arenas: Int; var objects: Int }
        struct PinnedObject: Encodable { var type: String?; var address: String; var size: UInt64; var arena: String }
        struct Glibc: Encodable {
            var in_use: UInt64; var free: UInt64; var mmapped: UInt64; var top: UInt64?; var heap_resident: UInt64
            var thread_arenas: UInt64; var walked: Bool; var note: String?
            var mallinfo: [String: UInt64]?
        }
        struct Trim: Encodable {
            var called: Bool; var predicted: UInt64; var returned: UInt64
            var rss_before: UInt64; var rss_after: UInt64; var uss_before: UInt64; var uss_after: UInt64
        }
        struct HeldBy: Encodable {
            var snapshot: String; var found: Int; var missing: Int; var unreachable: Int; var snapshot_pid: Int?
            var holders: [PinnerHolders.Row]
        }
        struct Owned: Encodable { var type: String; var bytes: UInt64; var blocks: Int }
        /// USS split as `frag` explains it; `unexplained` is what none of the parts holds.
        struct USSAccount: Encodable {
            var uss: UInt64; var objects: UInt64; var pymalloc_used: UInt64; var owned_native: UInt64
            var owned_in_heap: UInt64; var owned_mmapped: UInt64; var owned_by_type: [Owned]; var objects_walked: Bool
            var walk_note: String?; var walk_pause_ms: Double; var allocator_slack: UInt64; var interpreter_and_libraries: UInt64
            var libraries: UInt64; var stacks: UInt64; var other_native: UInt64; var unexplained: UInt64; var overcounted: UInt64
            var explained_fraction: Double
        }
        var uss_account: USSAccount
        var pid: Int32; var python: String; var rss: UInt64; var uss: UInt64; var pause_ms: Double
        var writable_anonymous: UInt64; var python_objects: UInt64
        var arenas: Arenas; var pinned_arenas: Int; var pinned_bytes: UInt64; var pinned_threshold: Double
        var pinners: [Pinner]; var pinned_objects: [PinnedObject]
        var glibc: Glibc; var stacks: UInt64; var reclaimable_by_trim: UInt64; var unexplained: UInt64
        var trim: Trim?; var held_by: HeldBy?; var allocator: String?; var pythonmalloc: String?; var advice: [String]
    }

    static func ussAccount(_ c: MemoryAccount) -> Document.USSAccount {
        let o = c.owned
        let explained = c.ussBytes == 0 ? 0 : 1 - Double(c.ussUnexplainedBytes) / Double(c.ussBytes)
        return .init(uss: c.ussBytes, objects: c.objectBytes, pymalloc_used: c.arenaUsedBytes, owned_native: o.bytes,
                     owned_in_heap: o.heapBytes, owned_mmapped: o.mmappedBytes,
                     owned_by_type: o.rows.map { .init(type: $0.type, bytes: $0.bytes, blocks: $0.blocks) }, objects_walked: o.walked,
                     walk_note: o.note, walk_pause_ms: o.pauseMilliseconds, allocator_slack: c.slackBytes,
                     interpreter_and_libraries: c.interpreterBytes, libraries: c.librariesBytes, stacks: c.stackBytes,
                     other_native: c.otherNativeBytes, unexplained: c.ussUnexplainedBytes, overcounted: c.ussOvercountBytes,
                     explained_fraction: explained)
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
            uss_account: ussAccount(c),
            pid: a.pid, python: a.python, rss: a.rssBytes, uss: a.ussBytes, pause_ms: a.pauseSeconds * 1000,
            writable_anonymous: c.writableAnonymousBytes, python_objects: c.arenaUsedBytes.addingSaturated(c.glibcInUseBytes),
            arenas: .init(count: a.arenas.arenas.count, bytes: a.arenas.arenaBytes, resident: c.arenaBytes, used: c.arenaUsedBytes,
                          free_in_pools: c.arenaFreeInPoolsBytes, empty_pools: c.arenaEmptyPoolBytes, arena_bytes: a.layout.arenaBytes,
                          reported_count: a.arenas.reportedArenaCount, occupancy: occupancy,
                          found_by: a.tableOrigin.rawValue, locate_ms: a.tableLocateSeconds * 1000),
            pinned_arenas: a.pinning.arenas.count, pinned_bytes: a.pinning.bytes, pinned_threshold: a.pinning.threshold,
            pinners: a.pinning.pinners.map { .init(type: $0.type, address: hex($0.firstAddress), size: $0.bytes, arenas: $0.arenas,
                objects: $0.objects) },
            pinned_objects: a.pinning.objects.map {
                .init(type: $0.type, address: hex($0.address), size: $0.blockBytes, arena: hex(a.arenas.arenas[$0.arena].address))
            },
            glibc: .init(in_use: c.glibcInUseBytes, free: c.glibcFreeBytes, mmapped: c.mmappedChunkBytes, top: a.heap?.topBytes,
                         heap_resident: c.glibcHeapBytes, thread_arenas: c.threadArenaBytes, walked: a.heap != nil, note: a.heapNote,
                         mallinfo: info),
            stacks: c.stackBytes, reclaimable_by_trim: a.reclaimableByTrimBytes, unexplained: c.unexplainedBytes,
            trim: trim.map { .init(called: true, predicted: $0.predictedBytes, returned: $0.measuredBytes, rss_before: $0.rssBefore,
                                   rss_after: $0.rssAfter, uss_before: $0.ussBefore, uss_after: $0.ussAfter) },
            held_by: holders.map { .init(snapshot: $0.file, found: $0.found, missing: $0.missing, unreachable: $0.unreachable,
                                         snapshot_pid: $0.otherPid, holders: $0.rows) },
            allocator: a.allocators.replacement, pythonmalloc: a.allocators.pythonMalloc, advice: Advice.lines(for: a))
        return try JSONOutput.string(document)
    }
}
