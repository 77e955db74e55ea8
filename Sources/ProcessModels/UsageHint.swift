/// A setting of memlens's command line that a library's message points the
/// user to, named for what it does. Libraries carry the hint in a
/// ``HintedText``; the command line renders it as its flag (`--exe`).
public enum UsageHint: Sendable, Hashable, CaseIterable {
    /// The Python executable of a core file whose interpreter is not where the core says.
    case pythonExecutable
    /// Time one full collection at the end of `gc`'s window.
    case measureFullCollection
    /// How long to wait for the target's main thread to reach a safe point.
    case safePointTimeout
    /// `run`'s agent dumping every snapshot inside the target, not read from outside.
    case agentDump
    /// `frag` calling `malloc_trim(0)` in the target and measuring what it returned.
    case mallocTrim

    /// The setting in words, for text rendered without a command line.
    public var words: String {
        switch self {
        case .pythonExecutable: "the executable setting"
        case .measureFullCollection: "the full-collection measurement"
        case .safePointTimeout: "the timeout"
        case .agentDump: "the in-target dump setting"
        case .mallocTrim: "the trim setting"
        }
    }
}

/// Text a library writes for the user, with typed hints in it: built by string
/// interpolation (`"raise \(UsageHint.safePointTimeout)"`) and rendered by the
/// caller, which spells each hint its own way.
public struct HintedText: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// Plain text, or a hint to spell.
    public enum Piece: Sendable, Hashable {
        case text(String)
        case hint(UsageHint)
    }

    public private(set) var pieces: [Piece]

    /// Plain text, with no hint.
    public init(_ text: String) { pieces = [.text(text)] }

    public init(stringLiteral value: String) { self.init(value) }

    public init(stringInterpolation: StringInterpolation) { pieces = stringInterpolation.pieces }

    /// The text with each hint spelled by `spell`.
    public func rendered(_ spell: (UsageHint) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .hint(let hint): spell(hint)
            }
        }.joined()
    }

    /// The text with each hint in words (``UsageHint/words``).
    public var description: String { rendered(\.words) }

    public static func + (lhs: HintedText, rhs: HintedText) -> HintedText {
        var sum = lhs
        sum.pieces += rhs.pieces
        return sum
    }

    public static func += (lhs: inout HintedText, rhs: HintedText) { lhs.pieces += rhs.pieces }

    /// Builds the pieces: literals and values as text, hints and hinted texts kept typed.
    public struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) { pieces.append(.text(literal)) }

        public mutating func appendInterpolation(_ hint: UsageHint) { pieces.append(.hint(hint)) }

        public mutating func appendInterpolation(_ text: HintedText) { pieces += text.pieces }

        public mutating func appendInterpolation(_ value: some Any) { pieces.append(.text("\(value)")) }
    }
}

/// An error whose message may point to a setting of the command line.
public protocol HintedError: Error {
    /// The message, one line, with its hints typed.
    var message: HintedText { get }
}
