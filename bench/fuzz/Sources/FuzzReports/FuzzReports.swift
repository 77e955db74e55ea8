import HeapAnalysis
@testable import HeapGraph
import ProcessModels
import Reports

/// The analyses and renderers behind `summary`, `diff`, `report`, `retained`,
/// `cycles`, `suspects` and `census`, fed a graph and a census with extreme
/// sizes and counts. Input: records of a byte (bits 0–2 the type, bit 3 a module
/// root, bits 4–5 the referent count), an 8-byte size, then the referents (a
/// byte each: an object index); at most 256 objects. The older snapshot of the
/// diff holds the even objects with their sizes rotated, so matched objects
/// change size; the census rows are the records' types, counts and sizes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let records = Record.decode(UnsafeRawBufferPointer(start: data, count: count))
    guard !records.isEmpty else { return 0 }
    let newer = graph(records, keep: { _ in true }, size: { $0 })
    let older = graph(records, keep: { $0 % 2 == 0 }, size: { $0 >> 7 | $0 << 57 })
    let summary = TypeSummary(newer)
    _ = SummaryReport.text(summary, metadata: newer.metadata, path: "fuzz", top: 8)
    _ = SummaryReport.text(TypeSummary(newer, collapsing: InstanceDictCollapse(newer)), metadata: newer.metadata, path: "fuzz", top: 8)
    _ = try? SummaryReport.json(summary, metadata: newer.metadata, top: 8)
    let diff = HeapDiff(older: older, newer: newer)
    _ = DiffReport.text(diff, older: "a", newer: "b", top: 8)
    let retained = RetainedSizes(newer)
    _ = RetainedReport.typesText(newer, retained, top: 8)
    _ = RetainedReport.objectsText(newer, retained, objects: Array(0..<min(newer.count, 8)))
    let labels = EdgeLabels(newer)
    _ = FindingsReport.cyclesText(Cycles(newer, retained: retained), graph: newer, labels: labels, top: 8)
    _ = FindingsReport.dupesText(DuplicateStrings(newer), top: 8)
    let contents = HeapReportContents(newer, older: older, canvas: HTMLReport.canvas)
    _ = HTMLReport.render(contents, olderPath: "a", path: "b")
    _ = CensusReport.text(census(records), top: 8)
    return 0
}

/// One object of the input.
struct Record {
    static let types = ["str", "dict", "list", "module", "__main__.C", "tuple", "int", "type"]
    var type: Int, root: Bool, size: UInt64, referents: [UInt64]

    static func decode(_ input: UnsafeRawBufferPointer) -> [Record] {
        var records: [Record] = [], at = 0
        while records.count < 256, at + 9 <= input.count {
            let head = input[at]
            var size: UInt64 = 0
            for i in (1...8).reversed() { size = size << 8 | UInt64(input[at + i]) }
            at += 9
            let refs = min(Int(head >> 4 & 3), input.count - at)
            records.append(Record(type: Int(head & 7), root: head & 8 != 0, size: size,
                                  referents: (0..<refs).map { UInt64(input[at + $0]) + 1 }))
            at += refs
        }
        return records
    }
}

/// The records `keep` selects as a graph (object i at address i + 1), sizes through `size`.
func graph(_ records: [Record], keep: (Int) -> Bool, size: (UInt64) -> UInt64) -> HeapGraph {
    var builder = HeapGraphBuilder(metadata: SnapshotMetadata(source: "meliae"))
    for (index, record) in records.enumerated() where keep(index) {
        let address = UInt64(index) + 1
        let type = builder.typeID(named: Record.types[record.type])
        _ = builder.addObject(address: address, typeID: type, size: size(record.size), refcount: 1)
        builder.closeObject(referents: record.referents)
        if record.root { builder.addRoot(address: address, kind: "module", name: "m\(index)") }
    }
    return builder.finish()
}

/// A census whose rows are the records: type, count (the size's high half), size.
func census(_ records: [Record]) -> CensusResult {
    let types = records.map {
        CensusResult.TypeCount(type: Record.types[$0.type], count: Int($0.size >> 33), size: $0.size, exact: $0.root)
    }
    let objects = types.reduce(0) { $0.addingReportingOverflow($1.count).overflow ? Int.max : $0 + $1.count }
    return CensusResult(python: "3.12.0", pid: 1, objects: objects, total_size: types.map(\.size).saturatedSum(), pause_ms: 0,
                        walk_ms: 0, copied_bytes: records.first?.size ?? 0, attempts: 1, generations: [], permanent_objects: 0,
                        permanent_size: records.last?.size ?? 0, includes_frozen: false, threads: 1, os_threads: 1, types: types)
}
