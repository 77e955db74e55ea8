import ProcessModels

/// Bytes of memory change credited to Python functions by ``GrowthSampler``,
/// summed over some sample intervals; a growth step adds up those of its intervals.
struct GrowthCredits {
    /// A function by name and file (its lines vary from one read to the next).
    struct Key: Hashable {
        var function: String
        var file: String
    }

    var bytes: [Key: Int64] = [:]
    /// A line each function ran when it was first credited.
    var lines: [Key: Int] = [:]
    /// Change while no Python code ran on the main thread.
    var unattributed: Int64 = 0

    var isEmpty: Bool { bytes.isEmpty && unattributed == 0 }

    /// Credits `delta` bytes to `frame` (nil: no Python code ran).
    mutating func credit(_ delta: Int64, to frame: PythonFrame?) {
        guard delta != 0 else { return }
        guard let frame else { unattributed = unattributed &+ delta; return }
        let key = Key(function: frame.function, file: frame.file)
        bytes[key, default: 0] &+= delta
        if lines[key] == nil { lines[key] = frame.line }
    }

    mutating func add(_ other: GrowthCredits) {
        for (key, delta) in other.bytes { bytes[key, default: 0] &+= delta }
        lines.merge(other.lines) { mine, _ in mine }
        unattributed = unattributed &+ other.unattributed
    }

    /// The functions that grew, largest first (at most `limit`), each with its
    /// part of all the growth credited (functions that grew, and growth without a stack).
    func shares(limit: Int = 8) -> [GrowthShare] {
        let grown = bytes.filter { $0.value > 0 }
        let total = grown.values.reduce(max(0, unattributed)) { $0 &+ $1 }
        guard total > 0 else { return [] }
        let ranked = grown.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.function < $1.key.function }
        return ranked.prefix(limit).map { key, grew in
            GrowthShare(function: key.function, file: key.file, line: lines[key] ?? 0, bytes: grew, share: Double(grew) / Double(total))
        }
    }

    /// The frame a stack's memory change is credited to: the innermost frame
    /// of the program's own code, else the innermost frame of a module
    /// (importlib's frozen frames and memlens's agent say nothing), else the
    /// innermost frame (nil for no stack).
    static func creditedFrame(_ stack: [PythonFrame]) -> PythonFrame? {
        stack.first { isModule($0) && !$0.file.contains("/lib/python3") } ?? stack.first(where: isModule) ?? stack.first
    }

    /// Whether `frame` runs a module's code: not importlib's frozen frames,
    /// memlens's agent, nor the interpreter's shim that runs a class's
    /// `__init__` (3.13+: a code object named `__init__` in a file `__init__`).
    /// The program's own code is also outside the interpreter's library (the
    /// standard library, site-packages, a venv's packages: `…/lib/python3.X/…`).
    static func isModule(_ frame: PythonFrame) -> Bool {
        !frame.file.hasPrefix("<frozen") && !frame.file.contains("/memlens-agent-") && frame.file != "__init__"
    }
}
