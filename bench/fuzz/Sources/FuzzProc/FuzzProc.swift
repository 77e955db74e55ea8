@testable import ProcFS

/// Every /proc parser over the same bytes: maps, smaps, stat, status, smaps_rollup.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = UnsafeBufferPointer(start: data.assumingMemoryBound(to: UInt8.self), count: count)
    var maps = MapsParser()
    maps.consume(text)
    _ = maps.finish()
    var smaps = SmapsParser()
    smaps.consume(text)
    _ = smaps.finish()
    _ = ProcessStat.parse(text)
    _ = ProcessStatus.parse(text)
    _ = MemoryCounters.parseRollup(text)
    return 0
}
