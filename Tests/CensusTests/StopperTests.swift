import Foundation
import PythonProcess
import Testing
import TestSupport

@Suite("Stopping every thread and letting them go", .serialized)
struct StopperTests {
    @Test("Every thread stops, nothing moves while stopped, all run again after", arguments: PythonInterpreter.installed.suffix(1))
    func stopAndResume(python: PythonInterpreter) throws {
        // GIVEN a target with four threads counting as fast as they can
        let target = try WaitingTarget(python, script: """
            import ctypes, sys, threading
            counter = ctypes.c_uint64(0)
            def spin():
                while True:
                    counter.value += 1
            for _ in range(4):
                threading.Thread(target=spin, daemon=True).start()
            print(ctypes.addressof(counter), flush=True)
            sys.stdin.read(1)
            """)
        defer { target.finish() }
        let address = try #require(UInt64(target.firstLine))
        let memory = ProcessMemory(pid: target.pid)

        // WHEN memlens stops it
        let (readings, pause) = try ThreadStopper.whileStopped(pid: target.pid) { () throws(ProcessAccessError) in
            let first = try memory.load(UInt64.self, at: address)
            usleep(20_000)
            return (first, try memory.load(UInt64.self, at: address))
        }

        // THEN the counter stood still and every thread was held; afterwards it moves again
        #expect(readings.0 == readings.1)
        #expect(pause > 0.015 && pause < 2)
        usleep(20_000)
        #expect(try memory.load(UInt64.self, at: address) != readings.1)
        #expect(target.isRunningFreely)
    }
}
