public import ProcFS

extension FootprintReport {
    struct Library: Encodable { var path: String; var `private`: UInt64; var pss: UInt64; var rss: UInt64; var writable: UInt64 }
    struct MappingRow: Encodable {
        var start: String; var end: String; var permissions: String; var path: String; var kind: String
        var size: UInt64; var rss: UInt64; var pss: UInt64; var `private`: UInt64; var writable: UInt64; var swap: UInt64
    }
    struct Document: Encodable {
        var pid: Int32
        var name: String
        var rss: UInt64, pss: UInt64, uss: UInt64, swap: UInt64, swapPss: UInt64, writable: UInt64
        var privateClean: UInt64, privateDirty: UInt64, sharedClean: UInt64, sharedDirty: UInt64
        var peakRss: UInt64, minorFaults: UInt64, majorFaults: UInt64
        var pssSource: String
        var byLibrary: [Library]
        var byKind: [String: UInt64]
        var mappings: [MappingRow]?

        enum CodingKeys: String, CodingKey {
            case pid, name, rss, pss, uss, swap, writable, mappings, swapPss = "swap_pss", privateClean = "private_clean"
            case privateDirty = "private_dirty", sharedClean = "shared_clean", sharedDirty = "shared_dirty", peakRss = "peak_rss"
            case minorFaults = "minor_faults", majorFaults = "major_faults", pssSource = "pss_source", byLibrary = "by_library"
            case byKind = "by_kind"
        }
    }

    /// The `--json` document: `{"pid", "rss", "pss", "uss", "swap", "writable",
    /// "private_clean", "private_dirty", "shared_clean", "shared_dirty",
    /// "by_library": [{"path", "private", "pss", "rss"}], "by_kind": {kind: PSS bytes}}`
    /// plus `swap_pss`, `peak_rss`, `minor_faults`, `major_faults`, `pss_source`
    /// and, with `includeMappings`, `mappings`. Sizes in bytes.
    public static func json(_ footprint: Footprint, includeMappings: Bool) throws -> String {
        let t = footprint.totals
        var byKind: [String: UInt64] = [:]
        var libraries: [Library] = []
        var rows: [MappingRow]?
        if let table = footprint.mappings {
            for (kind, c) in table.byKind() { byKind[kind.rawValue] = c.pssBytes }
            libraries = table.byLibrary().map {
                Library(path: $0.path, private: $0.usage.ussBytes, pss: $0.usage.pssBytes, rss: $0.usage.rssBytes,
                    writable: $0.usage.privateDirtyBytes)
            }
            if includeMappings {
                rows = zip(table.mappings, table.kinds()).map { m, kind in
                    let c = m.usage
                    return MappingRow(
                        start: "0x" + String(m.start, radix: 16), end: "0x" + String(m.end, radix: 16),
                        permissions: m.permissions.text, path: table.path(of: m), kind: kind.rawValue,
                        size: m.sizeBytes, rss: c.rssBytes, pss: c.pssBytes, private: c.ussBytes,
                        writable: c.privateDirtyBytes, swap: c.swapBytes
                    )
                }
            }
        }
        let document = Document(
            pid: footprint.pid, name: footprint.status.name,
            rss: t.rssBytes, pss: t.pssBytes, uss: t.ussBytes, swap: t.swapBytes, swapPss: t.swapPssBytes, writable: t.writableBytes,
            privateClean: t.privateCleanBytes, privateDirty: t.privateDirtyBytes,
            sharedClean: t.sharedCleanBytes, sharedDirty: t.sharedDirtyBytes,
            peakRss: footprint.status.peakRSSBytes, minorFaults: footprint.stat.minorFaults, majorFaults: footprint.stat.majorFaults,
            pssSource: footprint.totalsFromRollup ? "smaps_rollup" : "smaps",
            byLibrary: libraries, byKind: byKind, mappings: rows
        )
        return try JSONOutput.string(document)
    }
}
