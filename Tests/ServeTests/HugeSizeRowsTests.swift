@testable import Exporter
import ProcessModels
@testable import PythonProcess
import Testing

/// Issue 23, crash 1 under `serve`: the types past the top N are summed into
/// one `other` row; two of 2^63 bytes (a corrupt heap) overflowed that sum.
@Suite struct HugeSizeRowsTests {
    @Test func otherRowSaturates() {
        let types = (0..<4).map { CensusResult.TypeCount(type: "t\($0)", count: 1, size: 1 << 63, exact: false) }
        let rows = TypeRows.top(types, count: 1)
        #expect(rows.count == 2)
        #expect(rows.last?.type == "other")
        #expect(rows.last?.size == .max)
        #expect(rows.last?.count == 3)
    }
}
