import Foundation
@testable import PythonProcess
import Testing
import TestSupport

/// A refused ptrace names its cause for whoever runs memlens (issue 19): root
/// without CAP_SYS_PTRACE (a container), a Yama scope, another owner, a target
/// that is not dumpable — rather than "run as root" to root.
@Suite("Refused attach: the message names the cause", .serialized)
struct RefusedAttachTests {
    static func diagnosis(uid: UInt32 = 0, capability: Bool = false, scope: Int? = nil, target: UInt32? = 1000,
                          dumpable: Bool? = true, otherNamespace: Bool = false) -> PtraceDiagnosis {
        PtraceDiagnosis(pid: 42, effectiveUID: uid, hasPtraceCapability: capability, yamaScope: scope, targetUID: target,
                        targetDumpable: dumpable, otherUserNamespace: otherNamespace)
    }

    /// Each situation, and words its hint must have (and must not).
    @Test(arguments: [
        (diagnosis(target: 1000), ["root but without CAP_SYS_PTRACE", "--cap-add=SYS_PTRACE", "runs as uid 1000"]),
        (diagnosis(scope: 1, target: 0, dumpable: nil), ["without CAP_SYS_PTRACE", "ptrace_scope is 1"]),
        (diagnosis(target: 1000, dumpable: false), ["without CAP_SYS_PTRACE", "runs as uid 1000 and it is not dumpable"]),
        (diagnosis(target: 0, dumpable: nil), ["without CAP_SYS_PTRACE", "may not be dumpable"]),
        (diagnosis(capability: true, scope: 3), ["ptrace_scope is 3", "not even by root"]),
        (diagnosis(capability: true, otherNamespace: true), ["another user namespace"]),
        (diagnosis(capability: true), ["seccomp", "AppArmor"]),
        (diagnosis(uid: 1000, scope: 1, target: 1000), ["ptrace_scope is 1", "run memlens as root"]),
        (diagnosis(uid: 1000, target: 0), ["run memlens as the user that owns process 42, or as root", "runs as uid 0"]),
        (diagnosis(uid: 1000, target: 1000, dumpable: false), ["is not dumpable", "only root with CAP_SYS_PTRACE"]),
    ])
    func hintNamesTheCause(diagnosis: PtraceDiagnosis, words: [String]) {
        for word in words { #expect(diagnosis.hint.contains(word), "\(diagnosis.hint)") }
        if diagnosis.effectiveUID == 0 { #expect(!diagnosis.hint.contains("run memlens as root"), "\(diagnosis.hint)") }
    }

    static let canDropCapability = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        && PythonInterpreter.system != nil

    /// GIVEN a target of another user (and one of them that made itself not
    /// dumpable), WHEN root without CAP_SYS_PTRACE runs census, frag and
    /// snapshot, THEN each says the capability is missing and why it is needed,
    /// exit 1; and the target's own user is told it is not dumpable.
    @Test(.enabled(if: canDropCapability))
    func rootWithoutCapability() throws {
        // /usr/bin/python3: the other user can run it (pyenv's are under /root).
        let python = try #require(PythonInterpreter.system)
        let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        let noCapability = ["/usr/bin/setpriv", "--bounding-set=-sys_ptrace", "--inh-caps=-sys_ptrace"]
        let plain = try WaitingTarget(executable: nobody[0],
            arguments: Array(nobody.dropFirst()) + [python.path, "-c", "print('ready', flush=True); import sys; sys.stdin.read()"])
        defer { plain.finish() }
        let sealed = try WaitingTarget(executable: nobody[0], arguments: Array(nobody.dropFirst()) + [python.path, "-c", """
            import ctypes, sys
            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
            print('ready', flush=True); sys.stdin.read()
            """])
        defer { sealed.finish() }
        for command in [["census"], ["frag"], ["snapshot", "-o", "/tmp/memlens-refused.mlh"]] {
            let result = try runCommand(noCapability + [TestPaths.memlens, command[0], String(plain.pid)] + command.dropFirst())
            #expect(result.status == 1)
            #expect(result.stderr.contains("memlens runs as root but without CAP_SYS_PTRACE"), "\(command[0]): \(result.stderr)")
            #expect(result.stderr.contains("runs as uid 65534"), "\(result.stderr)")
        }
        let sealedResult = try runCommand(noCapability + [TestPaths.memlens, "census", String(sealed.pid)])
        #expect(sealedResult.stderr.contains("runs as uid 65534 and it is not dumpable"), "\(sealedResult.stderr)")
        let own = try runCommand(nobody + [TestPaths.memlens, "census", String(sealed.pid)])
        #expect(own.status == 1)
        #expect(own.stderr.contains("is not dumpable") && own.stderr.contains("only root with CAP_SYS_PTRACE"), "\(own.stderr)")
        #expect(plain.isRunningFreely && sealed.isRunningFreely)
    }

    /// GIVEN a target strace holds, WHEN the agent commands (snapshot --agent,
    /// gc, alloc) attach, THEN each names the tracer, pid and name, as the
    /// read-only commands do, in one line with exit 1 (issue 23: they blamed
    /// seccomp); the target runs on.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/strace")), arguments: PythonInterpreter.installed.suffix(1))
    func alreadyTraced(python: PythonInterpreter) throws {
        let target = try WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)")
        defer { target.finish() }
        let strace = Process()
        strace.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        strace.arguments = ["-q", "-e", "trace=none", "-p", String(target.pid)]
        strace.standardError = FileHandle.nullDevice
        try strace.run()
        defer { kill(strace.processIdentifier, SIGKILL); strace.waitUntilExit() }
        for _ in 0..<100 where Tracer.of(target.pid)?.pid != strace.processIdentifier { usleep(20_000) }
        let output = "/tmp/memlens-traced-\(target.pid).mlh"
        defer { unlink(output) }
        for command in [["snapshot", "--agent", "-o", output], ["gc", "--duration", "1s"], ["alloc", "--duration", "1s"],
                        ["census"]] {
            let result = try runCommand([TestPaths.memlens, command[0], String(target.pid)] + command.dropFirst())
            #expect(result.status == 1, "\(command[0]): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command[0]): \(result.stderr)")
            #expect(result.stderr.contains("already traced by process \(strace.processIdentifier) (strace)"),
                    "\(command[0]): \(result.stderr)")
            #expect(!result.stderr.contains("seccomp"), "\(command[0]): \(result.stderr)")
        }
        #expect(target.process.isRunning)
    }
}
