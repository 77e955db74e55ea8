import ProcessModels
import Testing
@testable import Timeline

/// Issue 25: an interval between two of the fine sampler's reads whose ends ran
/// different functions goes to the one that grew on its own far faster than
/// the other, not half each (a sampler held up across the end of a parse credited half of
/// the parse's last milliseconds to the idle caller it returned to).
@Suite struct IntervalSplitTests {
    let parse = PythonFrame(function: "parse_registry", file: "/app/registry.py", line: 30)
    let main = PythonFrame(function: "main", file: "/app/registry.py", line: 48)

    /// Credits for reads `(bytes, t, frame)` in order, every split settled.
    func credits(_ reads: [(UInt64, Double, PythonFrame?)]) -> GrowthCredits {
        var split = IntervalSplit(), credits = GrowthCredits()
        for (bytes, t, frame) in reads { split.add(IntervalSplit.Read(bytes: bytes, t: t, frame: frame), to: &credits) }
        split.finish(to: &credits)
        return credits
    }

    func bytes(_ frame: PythonFrame, _ credits: GrowthCredits) -> Int64 {
        credits.bytes[GrowthCredits.Key(function: frame.function, file: frame.file)] ?? 0
    }

    @Test func aLongIntervalOverAParseEndGoesToTheParse() {
        // GIVEN a parse growing 100 kB a ms, then 8 ms without a read in which it grew 400 kB and returned to main, idle.
        let credited = credits([(0, 0, parse), (100_000, 0.001, parse), (200_000, 0.002, parse),
                                (600_000, 0.010, main), (600_000, 0.011, main), (600_000, 0.030, main)])
        // THEN all 600 kB go to the parse.
        #expect(bytes(parse, credited) == 600_000 && bytes(main, credited) == 0, "\(credited.bytes)")
    }

    @Test func aLongIntervalOverAParseStartGoesToTheParse() {
        // GIVEN main idle, then 6 ms without a read in which the parse was called and grew, then grew on.
        let credited = credits([(0, 0, main), (0, 0.001, main), (300_000, 0.007, parse), (350_000, 0.008, parse)])
        #expect(bytes(parse, credited) == 350_000 && bytes(main, credited) == 0, "\(credited.bytes)")
    }

    @Test func twoFunctionsGrowingAtALikePaceShareHalfEach() {
        // GIVEN main growing 10 kB a ms, then the parse 30 kB a ms: the 40 kB between them goes half to each.
        let credited = credits([(0, 0, main), (10_000, 0.001, main), (50_000, 0.002, parse), (80_000, 0.003, parse)])
        #expect(bytes(main, credited) == 30_000 && bytes(parse, credited) == 50_000, "\(credited.bytes)")
    }

    @Test func aFunctionGrowingFarFasterTakesTheInterval() {
        // GIVEN main growing 1 kB a ms, then the parse 30 kB a ms: the 40 kB between them goes to the parse.
        let credited = credits([(0, 0, main), (1_000, 0.001, main), (41_000, 0.002, parse), (71_000, 0.003, parse)])
        #expect(bytes(main, credited) == 1_000 && bytes(parse, credited) == 70_000, "\(credited.bytes)")
    }

    @Test func neitherGrowingOnItsOwnSharesHalfEach() {
        // GIVEN a change between two reads of functions that changed nothing on their own.
        let credited = credits([(0, 0, main), (0, 0.001, main), (40_000, 0.002, parse), (40_000, 0.020, parse)])
        #expect(bytes(main, credited) == 20_000 && bytes(parse, credited) == 20_000, "\(credited.bytes)")
    }
}
