import Agent
import Testing
@testable import PythonProcess

/// Words a hostile target (or core) can write, found by the arithmetic audit
/// (docs/untrusted-input.md): each must give an answer or an error, never a trap.
@Suite struct HostileWordsTests {
    static func word(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    /// A 3.11+ location table (`code.replace(co_linetable=…)`) whose entries
    /// each add about 2^59 lines: 16 of them overflowed the line number.
    @Test func lineTableWhoseLinesOverflow() {
        // kind 13 (no columns), length 1, then a signed varint of about 2^59: ten 6-bit groups
        let entry: [UInt8] = [0x80 | 13 << 3] + [UInt8](repeating: 0x40 | 63, count: 9) + [62]
        let table = [UInt8]((0..<20).map { _ in entry }.joined())
        let line = LineTable.locations(table, firstLine: 1, unit: 19)
        #expect(line != nil)
    }

    /// A copied region that ends at the top of the address space: bytes asked
    /// for near its end are missing, not an overflow.
    @Test func bytesAtTheTopOfTheAddressSpace() {
        let copy = HeapCopy(regions: [(UInt64.max - 100, [UInt8](repeating: 1, count: 100))])
        #expect(copy.withBytes(at: UInt64.max - 50, count: 100) { $0.count } == nil)
        #expect(copy.withBytes(at: UInt64.max - 100, count: 100) { $0.count } == 100)
    }

    /// A 3.14 `_Py_DebugOffsets` table the target overwrote with 2^64-1 in
    /// every offset: refused as a layout memlens does not know.
    @Test func debugOffsetsNearTheTop() {
        var table = Array("xdebugpy".utf8) + Self.word(0x030E_00F0)
        while table.count < RemoteDebugOffsets.byteCount { table += Self.word(UInt64.max) }
        #expect(throws: RemoteExecError.self) { try RemoteDebugOffsets(bytes: table) }
    }
}
