public import HeapAnalysis
public import Fragmentation
import ProcessModels

/// `memlens frag PID` as text: the account of writable anonymous memory,
/// arena occupancy, pinned arenas and their pinners, the trim prediction
/// (and measurement with `--trim`), and advice.
public enum FragReport {
    /// What `--trim` measured: from outside (smaps_rollup) and inside the target.
    public struct TrimOutcome: Sendable {
        public var predictedBytes: UInt64
        public var rssBefore: UInt64
        public var rssAfter: UInt64
        public var ussBefore: UInt64
        public var ussAfter: UInt64
        /// RSS given back as the target measured it around the call itself.
        public var measuredBytes: UInt64

        public init(predictedBytes: UInt64, rssBefore: UInt64, rssAfter: UInt64, ussBefore: UInt64, ussAfter: UInt64,
            measuredBytes: UInt64) {
            self.predictedBytes = predictedBytes
            self.rssBefore = rssBefore
            self.rssAfter = rssAfter
            self.ussBefore = ussBefore
            self.ussAfter = ussAfter
            self.measuredBytes = measuredBytes
        }
    }

    static func size(_ bytes: UInt64) -> String { ByteFormat.string(bytes) }

    /// The whole report; `top` limits the pinner rows.
    public static func text(_ a: FragAnalysis, malloc: MallocStats?, trim: TrimOutcome?, holders: PinnerHolders? = nil,
        top: Int = 10) -> String {
        var out = "Process \(a.pid), Python \(a.python): RSS \(size(a.rssBytes)), USS \(size(a.ussBytes)) "
            + "(stopped \(Int(a.pauseSeconds * 1000)) ms while reading)\n"
            + (a.tableOrigin == .search ? "No symbols for pymalloc's arena table: found by searching the interpreter's data "
               + "(\(Int((a.tableLocateSeconds * 1000).rounded())) ms)\n" : "") + "\n"
        out += account(a)
        out += "\n" + ussAccount(a.account)
        out += "\n" + occupancy(a)
        out += "\n" + pinners(a, top: top)
        if let holders, !a.pinning.arenas.isEmpty { out += "\n" + holders.text(top: top) }
        out += "\n" + glibc(a, malloc: malloc)
        if let trim {
            let measured = Double(trim.measuredBytes)
            let error = trim.measuredBytes == 0 ? 0 : (Double(trim.predictedBytes) - measured) / measured * 100
            out += "\nmalloc_trim(0) was called in process \(a.pid) (--trim): RSS \(size(trim.rssBefore)) → \(size(trim.rssAfter)), "
                + "USS \(size(trim.ussBefore)) → \(size(trim.ussAfter)).\n"
                + "  returned \(size(trim.measuredBytes)) (measured in the target around the call); predicted \(size(trim.predictedBytes)) "
                + "(\(error >= 0 ? "+" : "")\(ByteFormat.formatDecimal(error, places: 1))%)\n"
        }
        let advice = Advice.lines(for: a)
        if !advice.isEmpty {
            out += "\nAdvice:\n" + advice.map { "  - " + $0.rendered(\.flag) + "\n" }.joined()
        }
        return out
    }

    static func account(_ a: FragAnalysis) -> String {
        let c = a.account
        var rows: [(String, UInt64, String)] = [
            ("Writable anonymous memory", c.writableAnonymousBytes, "resident, Σ Rss of anonymous rw mappings (smaps)"),
            ("  pymalloc arenas", c.arenaBytes,
                "\(a.arenas.arenas.count) × \(size(a.layout.arenaBytes)) (\(size(a.arenas.arenaBytes)) mapped)"),
            ("    used blocks", c.arenaUsedBytes, "live objects ≤ 512 B and small buffers"),
            ("    free in used pools", c.arenaFreeInPoolsBytes, "free blocks, pool headers"),
            ("    empty pools", c.arenaEmptyPoolBytes, "resident pools with no block in use"),
            ("  glibc heap [heap]", c.glibcHeapBytes,
                a.heap.map { "\($0.inUseChunks) chunks in use, \($0.freeChunks) free" } ?? (a.heapNote ?? "")),
            ("    in use", c.glibcInUseBytes, "objects > 512 B, buffers, C extensions"),
            ("      owned by objects", c.owned.heapBytes, "chunks an object or its buffer is in (below, by type)"),
            ("    free", c.glibcFreeBytes, "free chunks and the top chunk"),
            ("  glibc mmapped chunks", c.mmappedChunkBytes, "\(c.mmappedChunks) large allocations"),
            ("    owned by objects", c.owned.mmappedBytes, "regions an object's buffer is in (below, by type)"),
            ("  stacks", c.stackBytes, "\(c.threadStacks) (main and threads)"),
        ]
        if c.threadArenaBytes > 0 { rows.append(("  glibc thread arenas", c.threadArenaBytes, "other threads' malloc heaps (not walked)")) }
        rows.append(("  unexplained", c.unexplainedBytes, "anonymous memory none of the above accounts for"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { row in
            padRight(row.0, width) + "  " + pad(size(row.1), 10) + "  " + row.2 + "\n"
        }.joined()
    }

    static func occupancy(_ a: FragAnalysis) -> String {
        var buckets = [Int](repeating: 0, count: 10)
        for arena in a.arenas.arenas {
            let fraction = Double(arena.usedBytes) / Double(a.layout.arenaBytes)
            buckets[min(9, Int(fraction * 10))] += 1
        }
        let most = max(buckets.max() ?? 1, 1)
        var out = "Arena occupancy (\(a.arenas.arenas.count) arenas by used fraction)\n"
        for (i, count) in buckets.enumerated() {
            let bar = String(repeating: "█", count: count == 0 ? 0 : max(1, count * 40 / most))
            out += pad("\(i * 10)–\(i * 10 + 10)%", 8) + " " + pad(String(count), 6) + " " + bar + "\n"
        }
        return out
    }

    static func pinners(_ a: FragAnalysis, top: Int) -> String {
        let p = a.pinning
        let percent = Int((p.threshold * 100).rounded())
        guard !p.arenas.isEmpty else { return "No pinned arenas (none at or under \(percent)% used).\n" }
        var out = "Pinned arenas: \(p.arenas.count) of \(a.arenas.arenas.count) are at most \(percent)% used; they hold \(size(p.bytes)) "
            + "for \(p.objects.count) blocks (\(size(p.blockBytes))).\n"
        out += pad("Objects", 9) + " " + pad("Bytes", 10) + " " + pad("Arenas", 7) + "  First at            Type\n"
        for pinner in p.pinners.prefix(top) {
            out += pad(String(pinner.objects), 9) + " " + pad(size(pinner.bytes), 10) + " " + pad(String(pinner.arenas), 7)
                + "  " + padRight("0x" + String(pinner.firstAddress, radix: 16), 18) + "  " + pinner.type + "\n"
        }
        out += "If these objects were freed or moved, \(size(p.bytes)) would return to the OS.\n"
        return out
    }

    static func glibc(_ a: FragAnalysis, malloc: MallocStats?) -> String {
        var out = ""
        if let heap = a.heap {
            out += "glibc main heap: \(size(heap.inUseBytes)) in use, \(size(heap.freeBytes)) free, top chunk \(size(heap.topBytes)); "
                + "malloc_trim(0) would return \(size(heap.trimmableBytes)) (resident free pages).\n"
        } else if let note = a.heapNote {
            out += "glibc main heap: \(note).\n"
        }
        if let info = malloc?.mallinfo {
            out += "mallinfo2 (all glibc arenas): \(size(info.uordblks)) in use, \(size(info.fordblks)) free, "
                + "\(size(info.hblkhd)) in \(info.hblks) mmapped chunks, keepcost \(size(info.keepcost))\n"
            for arena in malloc?.arenas ?? [] {
                out += "  malloc_info arena \(arena.index): \(size(arena.systemBytes)) from the system, \(size(arena.freeBytes)) free\n"
            }
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

extension FragReport {
    static func padRight(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
