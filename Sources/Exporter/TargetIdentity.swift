import ProcFS
import PythonProcess

/// A process as `serve` labels it: its pid and start time (pids are reused),
/// a name from its command line and its Python version. Read once per
/// process and kept while it lives.
public struct TargetIdentity: Sendable, Hashable {
    public var pid: Int32
    public var startTicks: UInt64
    public var name: String
    /// `3.11.7`, or `unknown` where the interpreter could not be read.
    public var python: String

    /// The labels every series of this process carries.
    var labels: [(String, String)] { [("pid", String(pid)), ("name", name), ("python", python)] }

    /// Reads the identity of `pid` (its `stat` start time given).
    static func read(pid: Int32, stat: ProcessStat) -> TargetIdentity {
        let arguments = (try? ProcReader.commandLine(pid: pid)) ?? []
        let name = ProcessName.derive(commandLine: arguments, fallback: stat.name)
        let python = (try? PythonProcess(pid: pid))?.version.description ?? "unknown"
        return TargetIdentity(pid: pid, startTicks: stat.startTicks, name: name, python: python)
    }
}
