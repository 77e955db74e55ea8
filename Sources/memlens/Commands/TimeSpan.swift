import ArgumentParser

/// A length of time on the command line, the one syntax of every time option
/// (`--timeout`, `--duration`, `--every`, `--interval`): `30s`, `500ms`, `2m`,
/// `1h`, or a plain number of seconds (`2.5`); more than zero.
struct TimeSpan: ExpressibleByArgument, CustomStringConvertible {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { argument.hasSuffix($0.suffix) && Double(argument.dropLast($0.suffix.count)) != nil }
        guard let value = Double(unit.map { String(argument.dropLast($0.suffix.count)) } ?? argument),
              value.isFinite, value > 0 else { return nil }
        seconds = value * (unit?.seconds ?? 1)
    }

    var description: String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
