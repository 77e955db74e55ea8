import PythonProcess
import Testing
@testable import Fragmentation

/// Inputs the arena fuzz target (bench/fuzz/run.sh arena) found trapping,
/// reduced to the bytes that matter: each must now be a `FragmentationError`.
@Suite struct ArenaFuzzFindingsTests {
    /// 3.12: `_PyRuntime.interpreters.main` read as a pointer near the top of
    /// the address space; adding `obmalloc`'s offset to it overflowed.
    @Test func interpreterPointerNearTheTop() throws {
        let layout = try #require(ObmallocLayout.forVersion(major: 3, minor: 12))
        var memory = ImageMemory()
        memory.putWord(0x100 + 0x30, UInt64.max - 0x10)
        #expect(throws: FragmentationError.self) {
            try ArenaWalk(layout: layout, memory: memory).locateTable { $0 == "_PyRuntime" ? 0x100 : nil }
        }
    }
}
