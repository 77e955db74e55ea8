import Foundation
@testable import PythonProcess
import Testing
import TestSupport

/// Before any walk, the layout is checked against the target's own memory
/// (``LayoutCheck``): a layout with one offset moved must be refused, naming
/// the check that caught it.
@Suite("Layout checks before a walk", .serialized)
struct LayoutCheckTests {
    /// One offset moved by a word, and the check that must catch it (the thread list head down: the word
    /// after it in 3.13 is `threads.main`, another valid list).
    static let forgeries: [(String, String, @Sendable (inout PythonLayout, inout GraphLayout) -> Void)] = [
        ("thread list head", "the thread list ends", { layout, _ in layout.interpreterThreadsHead -= 8 }),
        ("sys.modules", "sys.modules is a dict", { _, graph in graph.interpreterModules += 8 }),
        ("tp_name", "sys.modules is a dict", { layout, _ in layout.typeName += 8 }),
        ("tp_flags", "sys.modules is a dict", { layout, _ in layout.typeFlags += 8 }),
        ("tp_basicsize", "sys.modules is a dict", { layout, _ in layout.typeBasicSize += 8 }),
        ("dict keys", "sys.modules holds sys and builtins", { layout, _ in layout.dictKeys += 8 }),
        ("str length", "sys.modules holds sys and builtins", { layout, _ in layout.unicodeLength += 8 }),
    ]

    @Test("Every Python's own layout passes (pyenv 3.8–3.13, Debian's 3.14 and 3.15); each forged one is refused with the check's name",
          arguments: PythonInterpreter.withModern)
    func forgedLayouts(python: PythonInterpreter) throws {
        // GIVEN a live target and the layout memlens has for it
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let process = try PythonProcess(pid: target.pid)
        let state = try InterpreterState(image: process.image, memory: process.memory, pid: target.pid)
        let graph = try #require(state.graph)
        try LayoutCheck.validate(interpreter: state.interpreter, layout: state.layout, graph: graph, memory: process.memory,
                                 pid: target.pid, version: python.version)
        for (moved, check, forge) in Self.forgeries {
            // WHEN one offset is moved
            var layout = state.layout, forged = graph
            forge(&layout, &forged)
            // THEN the check refuses it, by name
            do {
                try LayoutCheck.validate(interpreter: state.interpreter, layout: layout, graph: forged, memory: process.memory,
                                         pid: target.pid, version: python.version)
                Issue.record("\(python): \(moved) moved was not refused")
            } catch {
                guard case .layoutMismatch(let pid, _, let failed, _) = error else {
                    Issue.record("\(python): \(moved) moved gave \(error)")
                    continue
                }
                #expect(failed == check && pid == target.pid, "\(python): \(moved) moved: \(error)")
                #expect(error.description.contains("check '\(check)' failed"))
            }
        }
    }
}

/// A free-threaded build (`Py_GIL_DISABLED`) keeps its objects in mimalloc heaps: it is refused in one line
/// from its `_Py_DebugOffsets` flag. None is packaged here, so a real 3.14/3.15's table is read with the flag set.
@Suite("Free-threaded builds are refused", .serialized)
struct FreeThreadedTests {
    /// The live process's memory, with the debug offsets' `free_threaded` word (`_PyRuntime` + 16) reading 1.
    struct FlaggedMemory: MemorySource {
        let live: ProcessMemory
        let flag: UInt64

        func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError) {
            try live.read(at: address, into: buffer)
            for i in 0..<buffer.count where address &+ UInt64(i) == flag { buffer[i] = 1 }
        }
    }

    @Test("Debian's 3.14 and 3.15 with the table's free-threaded flag set: refused by name, nothing read past it",
          arguments: SidPython.installed)
    func refused(python: SidPython) throws {
        let target = try python.target("import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let process = try PythonProcess(pid: target.pid)
        let runtime = try #require(process.image.address(of: "_PyRuntime"))
        _ = try InterpreterState(image: process.image, memory: process.memory, pid: target.pid)
        #expect {
            _ = try InterpreterState(image: process.image, memory: FlaggedMemory(live: process.memory, flag: runtime &+ 16),
                                     pid: target.pid)
        } throws: { error in
            guard let error = error as? ProcessAccessError, case .freeThreaded(let pid, _) = error else { return false }
            return pid == target.pid && error.description.contains("free-threaded CPython \(python.minor)")
        }
    }
}
