import Foundation
import PythonProcess
import Testing
import TestSupport

@Suite("_Py_DebugOffsets (3.13+)", .serialized)
struct DebugOffsetsTests {
    @Test("Parsed from a live 3.13: version and the offsets gdb measured", .enabled(if: PythonInterpreter.has("3.13")))
    func live() throws {
        let python = try #require(PythonInterpreter.named("3.13"))
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let process = try PythonProcess(pid: target.pid)
        let runtime = try #require(process.address(of: "_PyRuntime"))
        let offsets = try #require(DebugOffsets(bytes: try process.memory.bytes(at: runtime, count: DebugOffsets.byteCount)))
        #expect(offsets.version.description == python.version)
        #expect(!offsets.freeThreaded)
        // gdb ptype/o on libpython3.13.so.1.0 (3.13.0): the same numbers
        #expect(offsets.runtimeInterpretersHead == 632)
        #expect(offsets.interpreterGC == 7400)
        #expect(offsets.interpreterThreadsHead == 7344)
        #expect(offsets.gcCollecting == 200)
        #expect(offsets.typeFlags == 168)
    }

    @Test("Parsed from a synthetic table; a missing cookie is no table")
    func synthetic() throws {
        var bytes = [UInt8](repeating: 0, count: DebugOffsets.byteCount)
        func put(_ value: UInt64, at offset: Int) {
            for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
        }
        bytes.replaceSubrange(0..<8, with: Array("xdebugpy".utf8))
        put(0x030D_00F0, at: 8)  // 3.13.0: its fields at their 3.13 places
        put(1000, at: 40); put(2000, at: 72); put(3000, at: 80); put(16, at: 168); put(32, at: 376); put(176, at: 392); put(208, at: 576)
        let offsets = try #require(DebugOffsets(bytes: bytes))
        #expect(offsets.version == PythonVersion(major: 3, minor: 13, micro: 0))
        let base = try #require(PythonLayout.forVersion(PythonVersion(major: 3, minor: 13, micro: 0)))
        let layout = offsets.apply(to: base)
        #expect(layout.runtimeInterpretersHead == 1000)
        #expect(layout.interpreterThreadsHead == 2000)
        #expect(layout.gcState == 3000)
        #expect(layout.threadStateNext == 16)
        #expect(layout.typeName == 32)
        #expect(layout.typeFlags == 176)
        #expect(layout.gcCollecting == 208)
        #expect(layout.heapTypeQualname == base.heapTypeQualname)  // what the table does not give stays measured
        put(0x0310_00A1, at: 8)  // 3.16.0a1: no field list, no table
        #expect(DebugOffsets(bytes: bytes) == nil)
        put(0x030D_00F0, at: 8)
        bytes[0] = 0x58
        #expect(DebugOffsets(bytes: bytes) == nil)
        #expect(DebugOffsets(bytes: Array(bytes.prefix(100))) == nil)
    }
}
