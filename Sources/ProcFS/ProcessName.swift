/// A short name for a process, from its command line: the script of
/// `python3 app.py` (`app.py`), the module of `python3 -m pkg.mod`
/// (`pkg.mod`), `-c` for `python3 -c …`, else the program's file name.
/// At most 64 characters (it becomes a metric label).
public enum ProcessName {
    public static func derive(commandLine: [String], fallback: String) -> String {
        guard let program = commandLine.first, !program.isEmpty else { return bounded(fallback) }
        let base = baseName(program)
        guard base.hasPrefix("python") else { return bounded(base) }
        var i = 1
        while i < commandLine.count {
            let argument = commandLine[i]
            if argument == "-m", i + 1 < commandLine.count { return bounded(commandLine[i + 1]) }
            if argument == "-c" { return "-c" }
            if argument.hasPrefix("-m"), argument.count > 2 { return bounded(String(argument.dropFirst(2))) }
            if argument == "-X" || argument == "-W" { i += 2; continue }  // options that take a value
            if !argument.hasPrefix("-") { return bounded(baseName(argument)) }
            i += 1
        }
        return bounded(base)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func bounded(_ name: String) -> String {
        name.count > 64 ? String(name.prefix(64)) : name
    }
}
