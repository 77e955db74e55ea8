import Foundation
import ProcFS

/// Why the kernel refused memlens `ptrace` or `process_vm_readv` on a process,
/// as far as `/proc` tells: who memlens runs as and with which capability,
/// the Yama scope, whose the target is and whether it is dumpable, and
/// whether it is in another user namespace. ``hint`` names the likely cause
/// for whoever runs memlens — root in a container lacks CAP_SYS_PTRACE far
/// more often than it needs telling to "run as root".
public struct PtraceDiagnosis: Sendable, Equatable {
    public var pid: Int32
    /// memlens's effective uid.
    public var effectiveUID: UInt32
    /// CAP_SYS_PTRACE (bit 19) in memlens's effective set (`CapEff:` of /proc/self/status).
    public var hasPtraceCapability: Bool
    /// `kernel.yama.ptrace_scope`, nil without Yama.
    public var yamaScope: Int?
    /// The target's real uid (`Uid:` of /proc/PID/status), nil when unreadable.
    public var targetUID: UInt32?
    /// False when the target is not dumpable (`prctl(PR_SET_DUMPABLE, 0)`, or it
    /// changed credentials, as a setuid program does): the kernel then gives its
    /// /proc files to root. Nil when that cannot be told (a root target).
    public var targetDumpable: Bool?
    /// Whether the target is in another user namespace than memlens (/proc/PID/ns/user).
    public var otherUserNamespace: Bool

    /// CAP_SYS_PTRACE's bit in the capability sets.
    static let ptraceCapabilityBit: UInt64 = 1 << 19

    /// Reads what `/proc` says now about memlens and process `pid`; `scope` when already read.
    public static func current(pid: Int32, scope: Int?? = nil) -> PtraceDiagnosis {
        let capabilities = (try? ProcReader.status(pid: getpid()))?.effectiveCapabilities ?? 0
        let targetUID = (try? ProcReader.status(pid: pid))?.uid
        var dumpable: Bool?
        if let targetUID, targetUID != 0, let owner = ProcReader.statusOwner(pid: pid) {
            dumpable = owner != 0
        }
        let namespaces = [getpid(), pid].map { ProcReader.userNamespace(pid: $0) }
        return PtraceDiagnosis(pid: pid, effectiveUID: geteuid(), hasPtraceCapability: capabilities & ptraceCapabilityBit != 0,
                               yamaScope: scope ?? ProcReader.ptraceScope(), targetUID: targetUID, targetDumpable: dumpable,
                               otherUserNamespace: namespaces[0] != nil && namespaces[1] != nil && namespaces[0] != namespaces[1])
    }

    /// What to do about the refusal: one clause, for after "permission denied; ".
    public var hint: String {
        if yamaScope == 3 {
            return "kernel.yama.ptrace_scope is 3: no process may be traced until the next reboot, not even by root"
        }
        guard effectiveUID == 0 else { return userHint }
        if !hasPtraceCapability {
            var needs: [String] = []
            if let scope = yamaScope, scope >= 1 { needs.append("kernel.yama.ptrace_scope is \(scope)") }
            if let uid = targetUID, uid != 0 { needs.append("process \(pid) runs as uid \(uid)") }
            if targetDumpable == false || (targetUID == 0 && needs.isEmpty) {
                let subject = needs.last?.hasPrefix("process") == true ? "it" : "process \(pid)"
                needs.append(targetDumpable == false ? "\(subject) is not dumpable"
                                                     : "\(subject) may not be dumpable (prctl PR_SET_DUMPABLE 0, or it changed " +
                                                         "credentials)")
            }
            return "memlens runs as root but without CAP_SYS_PTRACE (in a container: start it with --cap-add=SYS_PTRACE), and "
                + (needs.isEmpty ? "the kernel requires it here" : needs.joined(separator: " and ") + ", which requires it")
        }
        if otherUserNamespace {
            return "process \(pid) is in another user namespace, where memlens's CAP_SYS_PTRACE does not count: run memlens in that " +
                "namespace's owner (the host)"
        }
        return "root with CAP_SYS_PTRACE was refused, so a seccomp filter on memlens (a container's default profile may block ptrace "
            + "and process_vm_readv) or a security module (AppArmor, SELinux: see the kernel log) forbids it"
    }

    /// The hint when memlens does not run as root.
    private var userHint: String {
        switch yamaScope {
        case 1?: return "kernel.yama.ptrace_scope is 1 (only a parent may trace): run memlens as root, or `sudo sysctl " +
            "kernel.yama.ptrace_scope=0`"
        case 2?: return "kernel.yama.ptrace_scope is 2 (admin only): run memlens as root (with CAP_SYS_PTRACE)"
        default: break
        }
        if let uid = targetUID, uid != effectiveUID {
            return "run memlens as the user that owns process \(pid), or as root (with CAP_SYS_PTRACE); it runs as uid \(uid), memlens " +
                "as uid \(effectiveUID): not the same user"
        }
        if targetDumpable == false {
            return "process \(pid) is not dumpable (prctl PR_SET_DUMPABLE 0, or it changed credentials): only root with CAP_SYS_PTRACE " +
                "may read it"
        }
        return "run memlens as the user that owns process \(pid), or as root (with CAP_SYS_PTRACE)"
    }
}
