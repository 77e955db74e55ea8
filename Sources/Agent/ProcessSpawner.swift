#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Starts a command the way every memlens launcher does: `posix_spawnp`
/// (looked up on `PATH`), every signal unblocked and the forwarded ones at
/// their default disposition in the child, whatever memlens itself blocks.
public enum ProcessSpawner {
    /// Starts `command` with `environment`; `closing` are descriptors the child
    /// must not inherit; with `stdoutToStderr` the child's stdout is memlens's
    /// stderr (so memlens's stdout stays its report's); with `outputPath` its
    /// stdout and stderr go to that file; `ownProcessGroup` keeps a terminal's
    /// Ctrl-C from reaching it.
    /// - Throws: `LaunchError.commandNotFound` or `.system`.
    public static func spawn(
        _ command: [String], environment: [String: String], closing: [Int32] = [], stdoutToStderr: Bool = false,
        outputPath: String? = nil, ownProcessGroup: Bool = false
    ) throws -> Int32 {
        precondition(!command.isEmpty)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in closing { posix_spawn_file_actions_addclose(&actions, fd) }
        if stdoutToStderr { posix_spawn_file_actions_adddup2(&actions, 2, 1) }
        if let outputPath {
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaulted = sigset_t()
        sigemptyset(&defaulted)
        for s in Launcher.forwarded { sigaddset(&defaulted, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, command[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            if result == ENOENT { throw LaunchError.commandNotFound(command[0]) }
            throw LaunchError.system("cannot start \(command[0])", Errno(rawValue: result))
        }
        return pid
    }
}
