public import Fragmentation

extension ObmallocLayout {
    /// The layout for the CPython a version string names (`3.11.7`, as a
    /// snapshot records it), or nil where it was not measured.
    public static func forVersion(_ text: String?) -> ObmallocLayout? {
        text.flatMap { PythonVersion(text: Substring($0)) }.flatMap { forVersion(major: $0.major, minor: $0.minor, micro: $0.micro) }
    }
}
