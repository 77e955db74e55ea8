import HeapGraph

/// Values of str, bytes, int and float objects, as the agent records them:
/// the first 100 characters (bytes) and the full length; ints that fit 64 bits.
extension GraphWalk {
    static var valueCharacters: Int { 100 }

    func recordValue(_ object: UInt64, _ kind: Traversal.Value) {
        switch kind {
        case .none: break
        case .float:
            if let bits = copy.word(at: object &+ reader.layout.objects.floatValue) { sink.setNumber(.float, bits: bits) }
        case .int:
            if let value = intValue(object) { sink.setNumber(.int, bits: UInt64(bitPattern: value)) }
        case .bytes:
            let fields = reader.layout.objects
            guard let length = copy.word(at: object &+ fields.varSize), length < 1 << 40 else { return }
            _ = copy.withBytes(at: object &+ fields.bytesData, count: Int(min(length, UInt64(Self.valueCharacters)))) {
                sink.setData(.bytes, $0, length: Int(length))
            }
        case .str:
            // Compact ASCII (most strs): its bytes are already UTF-8, stored straight from the copy.
            let layout = reader.layout
            if let length = copy.word(at: object &+ layout.unicodeLength), length < 1 << 40,
               let state = copy.word(at: object &+ layout.unicodeState), state >> 5 & 3 == 3 {
                let head = Int(min(length, UInt64(Self.valueCharacters)))
                let stored: Void? = copy.withBytes(at: object &+ layout.asciiObjectSize, count: head) {
                    sink.setData(.text, $0, length: Int(length))
                }
                if stored != nil { return }
            }
            guard let (text, length) = strHead(object) else { return }
            var utf8 = text
            utf8.withUTF8 { sink.setData(.text, UnsafeRawBufferPointer($0), length: length) }
        }
    }

    /// The first `limit` characters of a str (every PEP 393 kind, compact or not) and its length.
    func strHead(_ object: UInt64, limit: Int = valueCharacters) -> (String, Int)? {
        let layout = reader.layout
        guard let lengthWord = copy.word(at: object &+ layout.unicodeLength), lengthWord < 1 << 40,
              let stateWord = copy.word(at: object &+ layout.unicodeState) else { return nil }
        let state = UInt32(truncatingIfNeeded: stateWord)
        let kind = Int(state >> 2 & 7), compact = state >> 5 & 1 == 1, ascii = state >> 6 & 1 == 1
        guard [1, 2, 4].contains(kind) else { return nil }
        let data: UInt64
        if compact {
            data = object &+ (ascii ? layout.asciiObjectSize : layout.compactUnicodeObjectSize)
        } else {
            guard let pointer = copy.word(at: object &+ layout.unicodeData), pointer != 0 else { return nil }
            data = pointer
        }
        let head = Int(min(lengthWord, UInt64(limit)))
        guard let bytes = try? copy.bytes(at: data, count: head * kind) else { return nil }
        var text = ""
        switch kind {
        case 1: text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        case 2: text = String(decoding: stride(from: 0, to: bytes.count, by: 2).map { bytes.le(UInt16.self, $0) }, as: UTF16.self)
        default: text.unicodeScalars.append(contentsOf: stride(from: 0, to: bytes.count, by: 4).map {
            Unicode.Scalar(bytes.le(UInt32.self, $0)) ?? "\u{FFFD}"
        })
        }
        return (text, Int(lengthWord))
    }

    /// An int's value when it fits in 64 bits (30-bit digits; 3.12+ keep the
    /// digit count and sign in `lv_tag`, earlier versions in a signed `ob_size`).
    func intValue(_ object: UInt64) -> Int64? {
        let fields = reader.layout.objects
        guard let field = copy.word(at: object &+ fields.varSize) else { return nil }
        let digits: UInt64, negative: Bool
        if reader.layout.longHasTag {
            digits = field >> fields.longTagBits
            negative = field & 3 == 2
        } else {
            let size = Int64(bitPattern: field)
            digits = size.magnitude
            negative = size < 0
        }
        guard digits <= 3 else { return nil }
        var magnitude: UInt64 = 0
        for i in (0..<digits).reversed() {
            guard let word = copy.word(at: object &+ fields.longDigits &+ i &* fields.longDigitBytes) else { return nil }
            let digit = word & 0x3FFF_FFFF
            guard magnitude >> 34 == 0 else { return nil }
            magnitude = magnitude << 30 | digit
        }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }
}
