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

    @Test("Every pyenv Python's own layout passes; each forged one is refused with the check's name",
          arguments: PythonInterpreter.installed)
    func forgedLayouts(python: PythonInterpreter) throws {
        // GIVEN a live target and the layout memlens has for it
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let process = try PythonProcess(pid: target.pid)
        let state = try InterpreterState(image: process.image, memory: process.memory, pid: target.pid)
        let graph = try #require(GraphLayout.forVersion(minor: process.image.version.minor))
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
