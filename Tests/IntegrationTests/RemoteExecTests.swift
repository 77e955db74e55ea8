@testable import Agent
import Foundation
import PythonProcess
import SystemPackage
import Testing
import TestSupport

/// A 3.14 `_Py_DebugOffsets` table and the structures it points at, laid out
/// from `Include/internal/pycore_debug_offsets.h` at v3.14.0 (760 bytes of
/// `uint64_t`; `debugger_support` at 712). No 3.14 interpreter is installed
/// here: these are the values the protocol must find and write.
struct FakeRuntime314 {
    static let base: UInt64 = 0x7f00_0000_0000
    static let interpreter = base + 0x1000, thread = base + 0x4000
    static let interpretersHead: UInt64 = 0x400     // in _PyRuntime
    static let threadsMain: UInt64 = 0x40, remoteDebugEnabled: UInt64 = 0x800  // in PyInterpreterState (size 0x2000)
    static let evalBreaker: UInt64 = 0x18, support: UInt64 = 0x600  // in PyThreadState (size 0x1000)
    static let pendingCall: UInt64 = 0, scriptPath: UInt64 = 4, pathSize: UInt64 = 512  // in _PyRemoteDebuggerSupport

    /// The table alone: cookie, version, then the offsets at their 3.14 places.
    static func table(version: UInt64 = 0x030E_00F0) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 760)
        func put(_ value: UInt64, _ offset: Int) {
            for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
        }
        bytes.replaceSubrange(0..<8, with: Array("xdebugpy".utf8))
        put(version, 8)
        put(interpretersHead, 40)             // runtime_state.interpreters_head
        put(0x2000, 48)                       // interpreter_state.size
        put(threadsMain, 80)                  // interpreter_state.threads_main
        put(0x1000, 176)                      // thread_state.size
        put(evalBreaker, 712)                 // debugger_support.eval_breaker
        put(support, 720)                     // .remote_debugger_support
        put(remoteDebugEnabled, 728)          // .remote_debugging_enabled
        put(pendingCall, 736)                 // .debugger_pending_call
        put(scriptPath, 744)                  // .debugger_script_path
        put(pathSize, 752)                    // .debugger_script_path_size
        return bytes
    }
}

/// Memory at `base` held in an array: reads and writes as a process's would.
final class FakeMemory: MemorySource, MemoryWriter {
    let base: UInt64
    var bytes: [UInt8]
    init(base: UInt64, count: Int) { self.base = base; bytes = [UInt8](repeating: 0, count: count) }

    func range(_ address: UInt64, _ count: Int) throws(ProcessAccessError) -> Range<Int> {
        guard address >= base, address - base + UInt64(count) <= UInt64(bytes.count) else {
            throw .unreadable(pid: 0, address: address, errno: .badAddress)
        }
        return Int(address - base)..<Int(address - base) + count
    }

    func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
        let r = try range(address, buffer.count)
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[r])) }
    }

    func write(_ data: [UInt8], at address: UInt64) throws(ProcessAccessError) {
        bytes.replaceSubrange(try range(address, data.count), with: data)
    }

    func put<T: FixedWidthInteger>(_ value: T, at address: UInt64) {
        try? write(withUnsafeBytes(of: value.littleEndian) { Array($0) }, at: address)
    }

    /// The fake 3.14 runtime, remote debugging enabled, eval_breaker 0x81.
    static func runtime314(enabled: Int32 = 1) -> FakeMemory {
        typealias F = FakeRuntime314
        let memory = FakeMemory(base: F.base, count: 0x6000)
        try? memory.write(F.table(), at: F.base)
        memory.put(F.interpreter, at: F.base + F.interpretersHead)
        memory.put(F.thread, at: F.interpreter + F.threadsMain)
        memory.put(enabled, at: F.interpreter + F.remoteDebugEnabled)
        memory.put(UInt64(0x81), at: F.thread + F.evalBreaker)
        return memory
    }
}

@Suite("Remote exec (PEP 768) for Python 3.14+")
struct RemoteExecTests {
    typealias F = FakeRuntime314

    @Test("A synthesized 3.14 _Py_DebugOffsets parses to the values it holds")
    func parsesTable() throws {
        let offsets = try RemoteDebugOffsets(bytes: F.table())
        #expect(offsets.version == PythonVersion(major: 3, minor: 14, micro: 0))
        #expect(!offsets.freeThreaded)
        #expect(offsets.interpretersHead == F.interpretersHead)
        #expect(offsets.threadsMain == F.threadsMain)
        #expect(offsets.evalBreaker == F.evalBreaker)
        #expect(offsets.remoteDebuggerSupport == F.support)
        #expect(offsets.remoteDebuggingEnabled == F.remoteDebugEnabled)
        #expect(offsets.debuggerPendingCall == F.pendingCall)
        #expect(offsets.debuggerScriptPath == F.scriptPath)
        #expect(offsets.debuggerScriptPathSize == F.pathSize)
        #expect(try RemoteDebugOffsets(bytes: F.table(version: 0x030E_03C1)).version.description == "3.14.3")  // a candidate
    }

    @Test("Another version's table, an early 3.14 beta, a table that does not fit, no cookie: named errors")
    func rejectsOtherTables() {
        #expect(throws: RemoteExecError.unsupported(version: "3.15.0")) { try RemoteDebugOffsets(bytes: F.table(version: 0x030F_00F0)) }
        #expect(throws: RemoteExecError.unsupported(version: "3.13.0")) { try RemoteDebugOffsets(bytes: F.table(version: 0x030D_00F0)) }
        #expect(throws: RemoteExecError.unsupported(version: "3.14.0b1")) { try RemoteDebugOffsets(bytes: F.table(version: 0x030E_00B1)) }
        var misfit = F.table()
        misfit[176] = 0x10  // thread_state.size 16: the debugger fields fall outside it
        misfit[177] = 0
        #expect(throws: RemoteExecError.unsupported(version: "3.14.0")) { try RemoteDebugOffsets(bytes: misfit) }
        var noCookie = F.table()
        noCookie[0] = 0x58
        #expect(throws: RemoteExecError.noDebugOffsets) { try RemoteDebugOffsets(bytes: noCookie) }
        #expect(RemoteExecError.unsupported(version: "3.15.0").description.contains("unsupported version"))
    }

    @Test("Chosen by version: before 3.14 gdb, 3.14 and later remote exec")
    func selection() {
        #expect(Attacher.method(forTableVersion: nil) == .gdb)  // 3.8–3.12: no table
        #expect(Attacher.method(forTableVersion: PythonVersion(major: 3, minor: 13, micro: 0)) == .gdb)
        #expect(Attacher.method(forTableVersion: PythonVersion(major: 3, minor: 14, micro: 0)) == .remoteExec)
        #expect(Attacher.method(forTableVersion: PythonVersion(major: 3, minor: 15,
            micro: 0)) == .remoteExec)  // then refused by the table check
        #expect(RemoteDebugOffsets.version(ofTable: F.table()) == PythonVersion(major: 3, minor: 14, micro: 0))
        #expect(RemoteDebugOffsets.version(ofTable: [UInt8](repeating: 0, count: 16)) == nil)
    }

    @Test("The protocol writes the path, the pending flag and the stop bit, and nothing else")
    func writesRequest() throws {
        let memory = FakeMemory.runtime314()
        let before = memory.bytes
        let exec = try RemoteExec(runtime: F.base, memory: memory)
        let request = try exec.send(scriptPath: "/tmp/memlens-attach-x/run.py", memory: memory)
        #expect(request.threadState == F.thread)
        let path = Array("/tmp/memlens-attach-x/run.py".utf8) + [0]
        let pathStart = Int(F.thread + F.support + F.scriptPath - F.base)
        #expect(Array(memory.bytes[pathStart..<pathStart + path.count]) == path)
        #expect(try memory.load(Int32.self, at: F.thread + F.support + F.pendingCall) == 1)
        #expect(try memory.load(UInt64.self, at: F.thread + F.evalBreaker) == 0x81 | 1 << 5)  // other bits kept
        let changed = Set(zip(before, memory.bytes).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset))
        let support = Int(F.thread + F.support - F.base)
        let allowed = Set(pathStart..<pathStart + path.count).union(support..<support + 4)
            .union(Int(F.thread + F.evalBreaker - F.base)..<Int(F.thread + F.evalBreaker - F.base) + 8)
        #expect(changed.isSubset(of: allowed))
        #expect(!exec.taken(request, memory: memory))

        // A second request while the first is pending is refused; withdrawing clears it.
        #expect(throws: RemoteExecError.busy) { try exec.send(scriptPath: "/tmp/other.py", memory: memory) }
        exec.withdraw(request, memory: memory)
        #expect(try memory.load(Int32.self, at: F.thread + F.support + F.pendingCall) == 0)
        #expect(memory.bytes[pathStart] == 0)
    }

    @Test("Remote debugging disabled in the target, or a path too long: refused before writing")
    func refusals() throws {
        let disabled = FakeMemory.runtime314(enabled: 0)
        let before = disabled.bytes
        let exec = try RemoteExec(runtime: F.base, memory: disabled)
        #expect(throws: RemoteExecError.disabled) { try exec.send(scriptPath: "/tmp/run.py", memory: disabled) }
        #expect(disabled.bytes == before)
        #expect(RemoteExecError.disabled.description.contains("PYTHON_DISABLE_REMOTE_DEBUG"))
        let memory = FakeMemory.runtime314()
        #expect(throws: RemoteExecError.pathTooLong(length: 512, limit: 512)) {
            try exec.send(scriptPath: String(repeating: "a", count: 512), memory: memory)
        }
    }
}
