/// One frame of a Python stack read from outside.
public struct PythonFrame: Sendable, Codable, Equatable {
    /// The code's name (its qualified name on 3.11+: `Class.method`).
    public var function: String
    public var file: String
    /// The line being run, or the function's first line where the line table could not be read.
    public var line: Int

    public init(function: String, file: String, line: Int) {
        self.function = function; self.file = file; self.line = line
    }
}
