import Foundation
import Testing
import TestSupport

/// Issue 23, crash 1 under `serve`: one user's process with a corrupt class
/// (`tp_basicsize` = -64, written with ctypes) trapped the census and took down
/// a `serve` exporting every process. The server now keeps answering.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct HostileServeTests {
    static let script = """
        import ctypes, gc, sys
        gc.disable()
        class Corrupt: pass
        keep = [Corrupt() for _ in range(10)]
        basic = ctypes.c_ssize_t.from_address(id(Corrupt) + 32)   # tp_basicsize, 64-bit CPython 3.8-3.13
        saved = basic.value
        basic.value = -64
        print("ready", flush=True)
        sys.stdin.read(1)
        basic.value = saved
        """

    @Test(arguments: PythonInterpreter.installed.suffix(1))
    func serveSurvivesACorruptClass(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: Self.script)
        defer { target.finish() }
        let server = try ServeProcess(["--census-every", "1s", "--top-types", "3", "--pid", String(target.pid)])
        let deadline = Date().addingTimeInterval(60)
        var body = ""
        func exported() -> Bool {
            samples("memlens_python_gc_objects", in: body).contains { $0.labels["pid"] == String(target.pid) }
        }
        while Date() < deadline, !exported() {
            body = (try? server.get().body) ?? ""
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect(samples("memlens_python_gc_objects", in: body).contains { $0.labels["pid"] == String(target.pid) }, "\(body)")
        Thread.sleep(forTimeInterval: 1.5)   // another census or two
        #expect(try server.get().status == 200)
        #expect(server.process.isRunning)
    }
}
