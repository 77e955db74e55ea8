/// What the agent in a `watch -- CMD` target reports as it happens
/// (`python/memlens/watch_hooks.py`), one line each on the report pipe.
/// The target writes these lines: they are parsed strictly (fields counted,
/// numbers in range, names short and printable) and anything else is ignored.
public enum AgentEvent: Sendable, Equatable {
    /// The hooks are in: imports and collections will be reported.
    case hooks
    /// An import ended: started at `start` (CLOCK_MONOTONIC ns), took
    /// `duration` ns and changed Private_Dirty by `dirtyBytes`, its own imports included.
    case `import`(name: String, start: UInt64, duration: UInt64, dirtyBytes: Int64, failed: Bool)
    /// A collection of `generation` paused the program `duration` ns from `start`.
    case collection(start: UInt64, duration: UInt64, generation: Int, collected: Int, uncollectable: Int)

    /// Longest module name kept.
    static let maxName = 200
    /// Longer than an hour is not a pause or an import time this target measured.
    static let maxDuration: UInt64 = 3_600_000_000_000

    /// Parses one report line; nil for lines that are not a watch event or are malformed.
    public init?(line: String) {
        let fields = line.split(separator: " ", maxSplits: 6, omittingEmptySubsequences: false)
        guard fields.count >= 3, fields[0] == "watch" else { return nil }
        func number<T: FixedWidthInteger>(_ index: Int, _ type: T.Type) -> T? { index < fields.count ? T(fields[index]) : nil }
        switch fields[1] {
        case "hooks" where fields.count == 3 && number(2, UInt64.self) != nil:
            self = .hooks
        case "import" where fields.count == 7:
            guard let start = number(2, UInt64.self), let duration = number(3, UInt64.self), duration <= Self.maxDuration,
                  let dirty = number(4, Int64.self), let failed = number(5, UInt8.self), failed <= 1 else { return nil }
            let name = fields[6]
            guard !name.isEmpty, name.utf8.count <= Self.maxName,
                  name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else { return nil }
            self = .import(name: String(name), start: start, duration: duration, dirtyBytes: dirty, failed: failed == 1)
        case "gc" where fields.count == 7:
            guard let start = number(2, UInt64.self), let duration = number(3, UInt64.self), duration <= Self.maxDuration,
                  let generation = number(4, Int.self), (0...2).contains(generation),
                  let collected = number(5, Int.self), (0..<1 << 40).contains(collected),
                  let uncollectable = number(6, Int.self), (0..<1 << 40).contains(uncollectable)
            else { return nil }
            self = .collection(start: start, duration: duration, generation: generation, collected: collected, uncollectable: uncollectable)
        default:
            return nil
        }
    }
}
