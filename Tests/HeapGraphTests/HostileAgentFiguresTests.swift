import Foundation
import HeapAnalysis
import ProcessModels
import Testing

/// Figures the agent writes from inside a target (gc.json, the imports
/// profile) are the target's words: out-of-range ones give an error or a
/// plain answer, never a trap.
@Suite struct HostileAgentFiguresTests {
    static func observation(_ records: String) -> String {
        """
        {"python": "3.11.7", "seconds": 1.0, "records": \(records), "thresholds": [700, 10, 10], "counts": [0, 0, 0],
         "generations": [9223372036854775807, 9223372036854775807, 1], "garbage": 9223372036854775807, "garbage_before": -1,
         "permanent": 0, "enabled": true, "uncollectable_by_type": {}, "full_seconds": 0.5}
        """
    }

    @Test func gcRecordsOfDifferentLengthsAreRefused() {
        let json = Self.observation(#"{"generation": [0, 0], "seconds": [0.1], "collected": [1, 2], "uncollectable": [0, 0], "#
            + #""sampled": [true, true]}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(GCObservation.self, from: Data(json.utf8)) }
    }

    @Test func hugeCollectedCountsDoNotTrap() throws {
        let json = Self.observation(#"{"generation": [0, 0], "seconds": [0.1, 0.2], "#
            + #""collected": [9223372036854775807, 9223372036854775807], "uncollectable": [0, 0], "sampled": [true, true]}"#)
        let observation = try JSONDecoder().decode(GCObservation.self, from: Data(json.utf8))
        let insight = GCInsight(observation)
        #expect(insight.collections.first?.count == 2)
    }
}
