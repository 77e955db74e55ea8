public import ProcessModels
import Foundation

/// Advice tied to what `frag` measured, from seed 000's tips. Each line says
/// the figure that triggered it.
public enum Advice {
    /// The advice for `analysis`, most money first.
    public static func lines(for analysis: FragAnalysis) -> [HintedText] {
        var lines: [HintedText] = []
        let account = analysis.account
        let rss = max(analysis.rssBytes, 1)
        func share(_ bytes: UInt64) -> Double { Double(bytes) / Double(rss) }
        func mib(_ bytes: UInt64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

        let pinning = analysis.pinning
        if !pinning.arenas.isEmpty, share(pinning.bytes) > 0.05 {
            let top = pinning.pinners.first.map { " (mostly \($0.type): \($0.objects) objects)" } ?? ""
            lines.append("\(pinning.arenas.count) arenas (\(mib(pinning.bytes))) stay mapped for \(pinning.objects.count) small " +
                "blocks\(top): "
                + "long-lived objects allocated late, among short-lived ones, pin whole arenas. Create persistent data first, "
                + "before the transient peak, or rebuild the survivors after it (a copy allocates them afresh, packed).")
            if pinning.pinners.contains(where: { ["dict", "list", "tuple", "set"].contains($0.type) }) {
                lines.append("Containers are among the pinners: if they are caches, give them a bound or an expiry "
                    + "(functools.lru_cache(maxsize=…), sweep expired entries) so they do not outlive the peak.")
            }
        }
        let trim = analysis.reclaimableByTrimBytes
        if share(trim) > 0.05 {
            lines.append("\(mib(trim)) of free glibc memory stays resident; malloc_trim(0) would return it "
                + "(frag's \(UsageHint.mallocTrim) calls it and measures what came back; "
                + "in the program: ctypes.CDLL('libc.so.6').malloc_trim(0) after the peak, "
                + "or MALLOC_TRIM_THRESHOLD_ in the environment).")
        }
        let free = [account.arenaFreeInPoolsBytes, account.arenaEmptyPoolBytes, account.glibcFreeBytes].saturatedSum()
        if share(free) > 0.5 {
            lines.append("\(mib(free)) of the process is free allocator memory after a peak: do the peak in a worker "
                + "subprocess (multiprocessing, concurrent.futures.ProcessPoolExecutor) whose memory goes back when it exits.")
        }
        if account.arenaUsedBytes > 64 << 20 {
            lines.append("\(mib(account.arenaUsedBytes)) sit in small blocks: prefer a few big objects to many small ones "
                + "(join strings, array.array or numpy for numbers).")
        }
        if let replacement = analysis.allocators.replacement {
            lines.append("malloc is \(replacement) (preloaded): it returns free pages on its own schedule; glibc's trim does not apply.")
        } else if analysis.allocators.pymallocDisabled {
            lines.append("PYTHONMALLOC=\(analysis.allocators.pythonMalloc ?? "malloc"): pymalloc is off, so no arena pinning, "
                + "but every small object costs a malloc chunk and fragments glibc's heap instead.")
        } else if share(free + pinning.bytes) > 0.25 {
            lines.append("Allocator options: PYTHONMALLOC=malloc sends small objects to glibc (no arena pinning, slower, "
                + "trim can return their pages); a preloaded jemalloc or mimalloc (LD_PRELOAD) returns free pages by itself.")
        }
        return lines
    }
}
