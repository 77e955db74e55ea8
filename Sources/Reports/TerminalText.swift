/// Text bound for a terminal, with the control characters that a target or a
/// file could have put in it made visible, the way `ls` and `git` show them:
/// a class named `"Evil\u{1B}]0;pwned\u{07}"` prints as `Evil\x1b]0;pwned\x07`
/// and can neither retitle the window, clear the screen nor overwrite a line.
public enum TerminalText {
    /// `text` with every C0 control, DEL and every C1 control written as
    /// `\xHH`, but newlines and tabs (a report's own layout) when `keepingLines`.
    /// A text without them is returned as it is.
    public static func escaped(_ text: String, keepingLines: Bool = true) -> String {
        let needsEscape = { (scalar: Unicode.Scalar) -> Bool in
            switch scalar.value {
            case 0x0A, 0x09: !keepingLines
            case 0x00..<0x20, 0x7F..<0xA0: true
            default: false
            }
        }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            out.append(contentsOf: ("\\x" + (hex.count < 2 ? "0" + hex : hex)).unicodeScalars)
        }
        return String(out)
    }
}
