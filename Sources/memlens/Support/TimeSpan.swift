import ArgumentParser

/// A length of time on the command line, the one syntax of every time option
/// (`--timeout`, `--duration`, `--every`, `--interval`, `--census-every`,
/// `--after`): `30s`, `500ms`, `2m`, `1h`, or a plain number of seconds
/// (`2.5`); more than zero and at most a week (``maximumSeconds``). Anything
/// else — NaN, infinity, a negative number, `1e19` — is a usage error (exit 64)
/// before memlens touches a process.
struct TimeSpan: ExpressibleByArgument, CustomStringConvertible {
    /// One week: longer than any window, timeout or interval worth asking for
    /// (`watch` without `--duration` runs until Ctrl-C), and small enough that
    /// every conversion of it (to whole seconds, milliseconds, nanoseconds in
    /// an `Int64`, a deadline in the target) is exact.
    static let maximumSeconds: Double = 7 * 24 * 3600

    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        guard let seconds = Self.seconds(parsing: argument), seconds > 0 else { return nil }
        self.seconds = seconds
    }

    /// The seconds `argument` says, 0 included; nil unless it is a number
    /// with an optional unit, finite, not negative, and at most a week.
    static func seconds(parsing argument: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { argument.hasSuffix($0.suffix) && Double(argument.dropLast($0.suffix.count)) != nil }
        guard let value = Double(unit.map { String(argument.dropLast($0.suffix.count)) } ?? argument),
              value.isFinite, value >= 0 else { return nil }
        let seconds = value * (unit?.seconds ?? 1)
        return seconds <= maximumSeconds ? seconds : nil
    }

    var description: String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A delay that may be zero (`footprint --after 0`: at once), with
/// ``TimeSpan``'s syntax and bounds.
struct Delay: ExpressibleByArgument, CustomStringConvertible {
    var seconds: Double

    init?(argument: String) {
        guard let seconds = TimeSpan.seconds(parsing: argument) else { return nil }
        self.seconds = seconds
    }

    var description: String { TimeSpan(seconds: seconds).description }
}
