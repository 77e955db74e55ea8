/// A CPython version, `3.11.7`.
public struct PythonVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    /// The micro version; nil when only `3.X` could be found (a stripped binary).
    public var micro: Int?

    public init(major: Int, minor: Int, micro: Int?) {
        self.major = major; self.minor = minor; self.micro = micro
    }

    /// From `Py_Version` / `PY_VERSION_HEX` (`0x030B07F0` → 3.11.7).
    public init(hex: UInt32) {
        self.init(major: Int(hex >> 24), minor: Int(hex >> 16 & 0xFF), micro: Int(hex >> 8 & 0xFF))
    }

    /// From text that starts with a version: `3.10.13 (main, …)` or `3.8`.
    public init?(text: Substring) {
        let head = text.prefix { $0.isNumber || $0 == "." }
        let parts = head.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        self.init(major: major, minor: minor, micro: parts.count > 2 ? parts[2] : nil)
    }

    public var description: String { micro.map { "\(major).\(minor).\($0)" } ?? "\(major).\(minor)" }

    public static func < (a: PythonVersion, b: PythonVersion) -> Bool {
        (a.major, a.minor, a.micro ?? -1) < (b.major, b.minor, b.micro ?? -1)
    }
}
