import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The signal `memlens run --signal` installs the snapshot handler for: a
/// name (`USR2`, `SIGUSR2`) or a number, only one a Python handler can take
/// safely. KILL and STOP cannot be caught; the fault signals (SEGV, BUS, FPE,
/// ILL) and CHLD are the kernel's and the runtime's, not a request.
struct SnapshotSignal: CustomStringConvertible, Sendable {
    /// The signal number.
    var number: Int32
    /// The name `kill -NAME` takes (`USR2`), or the number for real-time signals.
    var name: String

    /// Signals a handler may take, by name.
    static let names: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("USR1", SIGUSR1), ("USR2", SIGUSR2), ("ALRM", SIGALRM),
        ("TERM", SIGTERM), ("URG", SIGURG), ("VTALRM", SIGVTALRM), ("PROF", SIGPROF), ("WINCH", SIGWINCH),
        ("IO", SIGIO), ("PWR", SIGPWR),
    ]

    /// The signal `argument` names, or a usage error that says why it cannot be used.
    static func parse(_ argument: String) throws -> SnapshotSignal {
        if let signal = SnapshotSignal(argument) { return signal }
        let bare = argument.uppercased().hasPrefix("SIG") ? String(argument.uppercased().dropFirst(3)) : argument.uppercased()
        let refused: [String: String] = [
            "KILL": "cannot be caught", "9": "(KILL) cannot be caught", "STOP": "cannot be caught", "19": "(STOP) cannot be caught",
            "SEGV": "is sent by the kernel on a memory fault", "BUS": "is sent by the kernel on a bus error",
            "FPE": "is sent by the kernel on an arithmetic fault", "ILL": "is sent by the kernel on an illegal instruction",
            "CHLD": "tells the program its children exited", "PIPE": "tells the program a pipe closed",
        ]
        if let why = refused[bare] { throw ValidationError("--signal \(argument) \(why): use USR2 (the default), USR1, HUP or another") }
        throw ValidationError("unknown signal '\(argument)' for --signal: use \(names.map(\.name).joined(separator: ", ")) or a " +
            "real-time number 34–64")
    }

    private init?(_ argument: String) {
        let upper = argument.uppercased()
        let bare = upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper
        if let known = Self.names.first(where: { $0.name == bare }) {
            (number, name) = (known.number, known.name)
        } else if let value = Int32(argument), let known = Self.names.first(where: { $0.number == value }) {
            (number, name) = (known.number, known.name)
        } else if let value = Int32(argument), (34...64).contains(value) {
            (number, name) = (value, String(value))  // SIGRTMIN (34 with glibc) … SIGRTMAX
        } else {
            return nil
        }
    }

    var description: String { name }
}
