@testable import Agent
import Foundation
import PythonProcess
import Testing
import TestSupport

@Suite("Remote exec on live processes (no 3.14 here: a fake runtime in a real process; selection on 3.8–3.13)", .serialized)
struct RemoteExecLiveTests {
    /// A real process holding a 3.14-shaped runtime in a ctypes buffer (laid
    /// out by the target itself from the header's offsets); on EOF it reports
    /// what its own memory holds.
    static let fakeTarget = """
        import ctypes, json, struct, sys
        buf = ctypes.create_string_buffer(0x6000)
        base = ctypes.addressof(buf)
        def put(offset, fmt, value): struct.pack_into(fmt, buf, offset, value)
        buf[0:8] = b'xdebugpy'
        for offset, value in ((8, 0x030E00F0), (40, 0x400), (48, 0x2000), (80, 0x40), (176, 0x1000),
                              (712, 0x18), (720, 0x600), (728, 0x800), (736, 0), (744, 4), (752, 512)):
            put(offset, '<Q', value)
        put(0x400, '<Q', base + 0x1000)          # _PyRuntime.interpreters.head
        put(0x1000 + 0x40, '<Q', base + 0x4000)  # interp->threads.main
        put(0x1000 + 0x800, '<i', 1)             # interp->config.remote_debug
        put(0x4000 + 0x18, '<Q', 0x81)           # tstate->eval_breaker
        print(base, flush=True)
        sys.stdin.read(1)
        report = {'pending': struct.unpack_from('<i', buf, 0x4600)[0],
                  'path': bytes(buf[0x4604:0x4604 + 512]).split(b'\\0')[0].decode(),
                  'breaker': struct.unpack_from('<Q', buf, 0x4018)[0]}
        open(sys.argv[1], 'w').write(json.dumps(report))
        """

    @Test("process_vm_writev puts the request where the target's own reads find it", .enabled(if: PythonInterpreter.has("3.13")))
    func writesIntoRealProcess() throws {
        let python = try #require(PythonInterpreter.named("3.13"))
        let folder = try TestPaths.temporaryFolder("remote-exec-live")
        let reportPath = folder.appending(path: "report.json").path
        let target = try WaitingTarget(python, arguments: ["-c", Self.fakeTarget, reportPath])
        let base = try #require(UInt64(target.firstLine))
        let memory = ProcessMemory(pid: target.pid)
        let exec = try RemoteExec(runtime: base, memory: memory)
        let request = try exec.send(scriptPath: "/tmp/memlens-attach-live/run.py", memory: memory)
        #expect(request.threadState == base + 0x4000)
        target.finish()
        struct Report: Decodable { var pending: Int32; var path: String; var breaker: UInt64 }
        let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        #expect(report.pending == 1)
        #expect(report.path == "/tmp/memlens-attach-live/run.py")
        #expect(report.breaker == 0xA1)  // 0x81 | _PY_EVAL_PLEASE_STOP_BIT
    }

    @Test("Real 3.8–3.13 interpreters: _PyRuntime found by section or symbol, gdb chosen", arguments: PythonInterpreter.installed)
    func realInterpretersTakeGDB(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let runtime = try #require(RuntimeLocation.find(pid: target.pid))
        #expect(runtime.address == (try PythonProcess(pid: target.pid)).address(of: "_PyRuntime"))
        let table = try ProcessMemory(pid: target.pid).bytes(at: runtime.address, count: 16)
        let version = RemoteDebugOffsets.version(ofTable: table)
        #expect(version == nil ? python.minor != "3.13" : version?.description == python.version)
        guard case .gdb = try Attacher.chooseInjection(pid: target.pid) else {
            Issue.record("\(python) should be attached through gdb")
            return
        }
        #expect(target.isRunningFreely)
    }
}
