/// One Python function's part of a growth step, found by `watch`'s fine
/// sampler (the target's resident anonymous memory and its Python stack, read
/// about a thousand times a second): each change of memory between two reads
/// is credited to the innermost frame of the program's own code that ran then
/// (outside the standard library, site-packages and importlib), the way
/// Austin's memory mode credits deltas to stacks.
public struct GrowthShare: Sendable, Codable, Equatable {
    /// The function (3.11+: its qualified name), its file and a line it ran when credited.
    public var function: String
    public var file: String
    public var line: Int
    /// The growth credited to it over the step (net of what it freed), in bytes.
    public var bytes: Int64
    /// Its part of the step's sampled growth, 0–1 (the parts of every function
    /// that grew, and of growth no stack could be named for).
    public var share: Double

    public init(function: String, file: String, line: Int, bytes: Int64, share: Double) {
        self.function = function; self.file = file; self.line = line; self.bytes = bytes; self.share = share
    }
}
