/// A minimal scanner for one flat JSON object per line, as meliae writes:
/// keys map to numbers, strings, `null`/`true`/`false`, or arrays of numbers.
/// Faster than a general JSON parser because it allocates only for strings.
struct FlatJSONScanner {
    let line: UnsafeRawBufferPointer
    var position = 0

    init(_ line: UnsafeRawBufferPointer) {
        self.line = line
    }

    /// A syntax error, or an integer past 2^64 − 1 (`tooLarge`), at a byte offset in the line.
    enum Failure: Error { case syntax(Int), tooLarge(Int) }

    private var byte: UInt8 { position < line.count ? line[position] : 0 }

    private mutating func skipSpace() {
        while position < line.count, line[position] == 0x20 || line[position] == 0x09 || line[position] == 0x0D { position += 1 }
    }

    private mutating func expect(_ c: UInt8) throws(Failure) {
        skipSpace()
        guard byte == c else { throw .syntax(position) }
        position += 1
    }

    /// Calls `field` for each key; `field` must consume the value with one of the `read…` methods or `skipValue`.
    mutating func forEachField(_ field: (inout FlatJSONScanner, String) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"))
        skipSpace()
        if byte == UInt8(ascii: "}") { position += 1; return }
        while true {
            let key = try readString()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            try field(&self, key)
            skipSpace()
            if byte == UInt8(ascii: ",") { position += 1; skipSpace(); continue }
            try expect(UInt8(ascii: "}"))
            return
        }
    }

    var isString: Bool { mutating get { skipSpace(); return byte == UInt8(ascii: "\"") } }
    var isNull: Bool { mutating get { skipSpace(); return byte == UInt8(ascii: "n") } }

    mutating func readString() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        var plain = position
        while plain < line.count, line[plain] != UInt8(ascii: "\""), line[plain] != UInt8(ascii: "\\") { plain += 1 }
        if plain < line.count, line[plain] == UInt8(ascii: "\"") {
            let s = String(decoding: UnsafeRawBufferPointer(rebasing: line[position..<plain]), as: UTF8.self)
            position = plain + 1
            return s
        }
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() {
            if !utf8.isEmpty { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8 = [] }
        }
        while position < line.count {
            let c = line[position]
            position += 1
            if c == UInt8(ascii: "\"") { flush(); return String(scalars) }
            if c != UInt8(ascii: "\\") { utf8.append(c); continue }
            guard position < line.count else { throw .syntax(position) }
            let e = line[position]
            position += 1
            switch e {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), position + 6 <= line.count,
                   line[position] == UInt8(ascii: "\\"), line[position + 1] == UInt8(ascii: "u") {
                    let save = position
                    position += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        position = save
                    }
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: utf8.append(e)
            }
        }
        throw .syntax(position)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= line.count else { throw .syntax(position) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = line[position]
            position += 1
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = v << 4 | UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = v << 4 | UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = v << 4 | UInt32(c - UInt8(ascii: "A") + 10)
            default: throw .syntax(position - 1)
            }
        }
        return v
    }

    /// A JSON number token as text (integers and floats).
    mutating func readNumberText() throws(Failure) -> Substring {
        skipSpace()
        let start = position
        while position < line.count {
            let c = line[position]
            if (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { position += 1 } else { break }
        }
        guard position > start else { throw .syntax(position) }
        return Substring(String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<position]), as: UTF8.self))
    }

    /// A non-negative integer (addresses, sizes); fast path without allocation.
    /// One past 2^64 − 1 throws `tooLarge`, or with `saturating` reads as `UInt64.max`.
    mutating func readUInt(saturating: Bool = false) throws(Failure) -> UInt64 {
        skipSpace()
        var v: UInt64 = 0, overflow = false
        let start = position
        while position < line.count, line[position] >= UInt8(ascii: "0"), line[position] <= UInt8(ascii: "9") {
            let (tens, o1) = v.multipliedReportingOverflow(by: 10)
            let (sum, o2) = tens.addingReportingOverflow(UInt64(line[position] - UInt8(ascii: "0")))
            v = sum
            overflow = overflow || o1 || o2
            position += 1
        }
        guard position > start else { throw .syntax(position) }
        if overflow {
            if saturating { return .max }
            throw .tooLarge(start)
        }
        return v
    }

    /// An array of non-negative integers.
    mutating func readUIntArray(into out: inout [UInt64]) throws(Failure) {
        try expect(UInt8(ascii: "["))
        skipSpace()
        if byte == UInt8(ascii: "]") { position += 1; return }
        while true {
            out.append(try readUInt())
            skipSpace()
            if byte == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "]"))
            return
        }
    }

    /// Skips any JSON value.
    mutating func skipValue() throws(Failure) {
        skipSpace()
        switch byte {
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            var depth = 0
            var inString = false
            while position < line.count {
                let c = line[position]
                position += 1
                if inString {
                    if c == UInt8(ascii: "\\") { position += 1 } else if c == UInt8(ascii: "\"") { inString = false }
                } else if c == UInt8(ascii: "\"") { inString = true
                } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1
                } else if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { return }
                }
            }
            throw .syntax(position)
        default:
            let start = position
            while position < line.count, ![UInt8(ascii: ","), UInt8(ascii: "}"),
                UInt8(ascii: "]")].contains(line[position]) { position += 1 }
            guard position > start else { throw .syntax(position) }
        }
    }
}
