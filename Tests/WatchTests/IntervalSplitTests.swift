import ProcessModels
import Testing
@testable import Timeline

/// Issue 25: an interval between two of the fine sampler's reads whose ends ran
/// different functions at the edge of a quiet stretch goes to the one on the
/// growing side, not half each (a sampler held up across the end of a parse
/// credited half of the parse's last milliseconds to the idle caller it returned to).
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
        let credited = credits([(0, 0, main), (0, 0.001, main), (300_000, 0.007, parse), (400_000, 0.008, parse)])
        #expect(bytes(parse, credited) == 400_000 && bytes(main, credited) == 0, "\(credited.bytes)")
    }

    @Test func twoGrowingFunctionsShareHalfEach() {
        // GIVEN main growing 100 kB a ms, then the parse as fast: the 40 kB between them goes half to each.
        let credited = credits([(0, 0, main), (100_000, 0.001, main), (140_000, 0.002, parse), (240_000, 0.003, parse)])
        #expect(bytes(main, credited) == 120_000 && bytes(parse, credited) == 120_000, "\(credited.bytes)")
    }

    @Test func anEndWithoutPythonFramesGivesItsShareToTheOther() {
        let credited = credits([(0, 0, parse), (100_000, 0.001, parse), (300_000, 0.002, nil), (300_000, 0.030, nil)])
        #expect(bytes(parse, credited) == 300_000 && credited.unattributed == 0, "\(credited.bytes)")
    }

    @Test func neitherGrowingOnItsOwnSharesHalfEach() {
        // GIVEN a change between two reads of functions that changed nothing on their own.
        let credited = credits([(0, 0, main), (0, 0.001, main), (40_000, 0.002, parse), (40_000, 0.020, parse)])
        #expect(bytes(main, credited) == 20_000 && bytes(parse, credited) == 20_000, "\(credited.bytes)")
    }
}
