import Foundation
import Testing
import TestSupport

/// Seed 000's acceptance at full scale on 3.11: what memlens predicts
/// `malloc_trim(0)` returns, against what `--trim` then measures.
@Suite(.serialized, .enabled(if: PythonInterpreter.has("3.11")), .timeLimit(.minutes(5)))
struct FragTrimTests {
    /// GIVEN the example after `del` (every other string kept, then all dropped),
    /// WHEN memlens predicts and then calls malloc_trim(0), THEN the RSS is
    /// mostly free glibc memory, the prediction is within 10% of the measured
    /// reclaim, and the target keeps little.
    @Test func seedExampleTrimMatchesPrediction() throws {
        let python = try #require(PythonInterpreter.named("3.11"))
        let target = try FragTarget(python, scale: 1.0, keepEvery: 0)
        let (plain, before) = try memlensJSON(["frag", String(target.pid), "--json"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let rss = try #require(before["rss"] as? Double)
        let predicted = try #require(before["reclaimable_by_trim"] as? Double)
        #expect(predicted > 0.8 * rss, "RSS \(rss), predicted \(predicted)")
        // Reading changed nothing: the same prediction a second time.
        let (_, again) = try memlensJSON(["frag", String(target.pid), "--json"])
        #expect(again["reclaimable_by_trim"] as? Double == predicted)

        let (trimmed, json) = try memlensJSON(["frag", String(target.pid), "--json", "--trim"])
        #expect(trimmed.status == 0, "\(trimmed.stderr)")
        let trim = try #require(json["trim"] as? [String: Any])
        #expect(trim["called"] as? Bool == true)
        let returned = try #require(trim["returned"] as? Double)
        let rssAfterTrim = Double(target.rss())
        let measured = rss - rssAfterTrim
        #expect(abs(predicted - measured) <= 0.1 * measured, "predicted \(predicted), measured \(measured) (in the target: \(returned))")
        #expect(rssAfterTrim < 0.1 * rss)
        print("seed example: RSS \(rss / 1048576) MiB, predicted \(predicted / 1048576) MiB, measured \(measured / 1048576) MiB, left " +
            "\(rssAfterTrim / 1048576) MiB")
    }

    /// GIVEN the 1% variant (1 string in 1,000 of those kept survives the `del`),
    /// WHEN memlens reads it, THEN ≥ 600 arenas are pinned by a few thousand
    /// strings, held (says --paths) by the target's list of survivors; and when the target drops exactly those strings and --trim runs,
    /// RSS falls by the pinned bytes plus the predicted trim, within 10%.
    @Test func survivorsPinArenasAndDroppingThemReturnsWhatWasPredicted() throws {
        let python = try #require(PythonInterpreter.named("3.11"))
        let target = try FragTarget(python, scale: 1.0, keepEvery: 1000)
        let (result, json) = try memlensJSON(["frag", String(target.pid), "--json", "--paths"])
        #expect(result.status == 0, "\(result.stderr)")
        let pinnedArenas = try #require(json["pinned_arenas"] as? Int)
        #expect(pinnedArenas >= 600)
        let pinners = try #require(json["pinners"] as? [[String: Any]])
        #expect(pinners.first?["type"] as? String == "str")
        let objects = try #require(pinners.first?["objects"] as? Int)
        #expect((1000...5000).contains(objects))
        // Where they are held: one list, the survivors, for (nearly) all of them.
        let held = try #require((json["held_by"] as? [String: Any])?["holders"] as? [[String: Any]])
        let holder = "0x" + (target.ask("holder").split(separator: " ").last.map(String.init) ?? "?")
        #expect(held.first?["holder"] as? String == holder)
        #expect(Double(held.first?["objects"] as? Int ?? 0) >= 0.95 * Double(objects), "\(held.prefix(2))")
        let predicted = try #require(json["pinned_bytes"] as? Double) + (try #require(json["reclaimable_by_trim"] as? Double))

        let rssBefore = Double(target.rss())
        #expect(target.ask("drop") == "dropped")
        let (trimmed, after) = try memlensJSON(["frag", String(target.pid), "--json", "--trim"])
        #expect(trimmed.status == 0, "\(trimmed.stderr)")
        #expect((after["trim"] as? [String: Any])?["called"] as? Bool == true)
        let measured = rssBefore - Double(target.rss())
        #expect(abs(predicted - measured) <= 0.1 * measured, "predicted \(predicted), measured \(measured)")
        print("1% variant: \(pinnedArenas) pinned arenas by \(objects) str, \(held.first?["objects"] ?? 0) held by \(holder); predicted " +
            "\(predicted / 1048576) MiB, measured \(measured / 1048576) MiB")
    }
}
