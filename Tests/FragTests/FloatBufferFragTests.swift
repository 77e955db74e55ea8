import Foundation
import Testing
import TestSupport

/// Issue 23, crash 4, live: float buffers read as glibc chunk headers. memlens
/// reads the first two words of every unnamed private writable mapping as a
/// chunk header (`prev_size`, `size`); two float64 -1.5s (0xBFF8…) summed past
/// 2^64 and `memlens frag PID` trapped in MemoryAccount (exit 132 on main with
/// the mmaps below, and with numpy's `full(4_000_000, -1.5)`). It now exits 0.
@Suite(.serialized) struct FloatBufferFragTests {
    static let script = """
        import array, mmap, struct, sys
        # Big array.array buffers of 1.0 (0x3FF0...: mmapped chunks, the kernel merges adjacent ones).
        keep = [array.array('d', [1.0]) * n for n in (2_000_000, 300_000, 70_000, 40_000, 2_000_000)]
        # Private anonymous mappings that start with float data, as a numpy buffer split by madvise does.
        for _ in range(3):
            m = mmap.mmap(-1, 1 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
            m.write(struct.pack('d', -1.5) * ((1 << 20) // 8))
            keep.append(m)
        try:
            import numpy
            keep.append(numpy.full(4_000_000, -1.5))
        except ImportError:
            pass
        print("ready", flush=True)
        sys.stdin.read(1)
        """

    @Test(arguments: PythonInterpreter.installed)
    func fragExitsZero(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: Self.script)
        defer { target.finish() }
        let text = try runCommand([TestPaths.memlens, "frag", String(target.pid)], timeoutSeconds: 120)
        #expect(text.status == 0, "\(text.stderr)")
        let (json, document) = try memlensJSON(["frag", String(target.pid), "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(document["writable_anonymous"] as? Int ?? 0 > 16_000_000)
        #expect(target.isRunningFreely)
    }
}
