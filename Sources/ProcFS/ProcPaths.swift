/// The `/proc` paths other targets open themselves (a descriptor, a path to
/// read a target's files through), so that every `/proc` path is spelled here.
public enum ProcPaths {
    /// `/proc/PID`: the process's folder; it exists while the process does.
    public static func directory(pid: Int32) -> String { "/proc/\(pid)" }

    /// `/proc/PID/root`: the process's root folder, the way into its mount
    /// namespace (a container's files).
    public static func root(pid: Int32) -> String { directory(pid: pid) + "/root" }
}
