import Foundation
import PythonProcess
import Testing
import TestSupport

@Suite("Finding the interpreter in a live process", .serialized)
struct LocateTests {
    @Test("Version, image and _PyRuntime match what the target says of itself", arguments: PythonInterpreter.installed)
    func locate(python: PythonInterpreter) throws {
        // GIVEN a target that prints its version and the address of _PyRuntime (through ctypes)
        let target = try WaitingTarget(python, script: """
            import ctypes, sys
            runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
            print(f"{sys.version.split()[0]} {runtime}", flush=True)
            sys.stdin.read(1)
            """)
        defer { target.finish() }
        let parts = target.firstLine.split(separator: " ")
        try #require(parts.count == 2)

        // WHEN memlens locates the interpreter
        let process = try PythonProcess(pid: target.pid)

        // THEN it names the same version and finds _PyRuntime where the target has it
        #expect(process.version.description == String(parts[0]))
        #expect(process.imagePath.contains("libpython\(python.minor)"))
        #expect(process.address(of: "_PyRuntime") == UInt64(parts[1]))
        try process.requireSupportedVersion()
    }

    @Test("A static variable from .symtab resolves (obmalloc's narenas counter, 3.8–3.11)",
          arguments: PythonInterpreter.of(minors: ["3.8", "3.9", "3.10", "3.11"]))
    func staticSymbol(python: PythonInterpreter) throws {
        let library = URL(fileURLWithPath: python.path).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "lib/libpython\(python.minor).so.1.0").path
        let symbols = try ELFSymbols(path: library)
        let narenas = try #require(symbols["narenas_currently_allocated"])
        #expect(narenas.isLocal)
        #expect(symbols["_PyRuntime"]?.isLocal == false)
        #expect(symbols["_PyRuntime"]?.sizeBytes ?? 0 > 100)
    }
}
