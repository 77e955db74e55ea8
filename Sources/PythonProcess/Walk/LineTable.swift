/// CPython's line tables, decoded for one instruction: the one decoder of the
/// watch's stack reader (``StackReader``) and the read-only snapshot's frame
/// roots (`GraphWalk+Roots.swift`). The table's bytes come from the target:
/// every read is bounded by the table, and a malformed entry ends the search.
enum LineTable {
    /// Where a frame is, in the unit of its version's table:
    /// - 3.8–3.9 (`co_lnotab`): the byte offset of the instruction (`f_lasti` is one);
    /// - 3.10 (`co_linetable`): the byte offset (`f_lasti` counts 2-byte code units: twice it);
    /// - 3.11+ (location table): the code unit (instruction pointer minus the code's first instruction, over 2).
    ///
    /// The line of that instruction, or nil when the table gives it none (an
    /// instruction without a line, or one past the table).
    static func line(_ bytes: [UInt8], format: GraphLayout.LineTableFormat, firstLine: Int, position: Int) -> Int? {
        switch format {
        case .lnotab: lnotab(bytes, firstLine: firstLine, offset: position)
        case .linetable310: linetable310(bytes, firstLine: firstLine, offset: position)
        case .locations: locations(bytes, firstLine: firstLine, unit: position)
        }
    }

    /// 3.8–3.9 `co_lnotab`: (byte offset increment, signed line increment) pairs.
    static func lnotab(_ bytes: [UInt8], firstLine: Int, offset: Int) -> Int {
        var line = firstLine, address = 0
        for pair in stride(from: 0, to: bytes.count - 1, by: 2) {
            address += Int(bytes[pair])
            if address > offset { break }
            line += Int(Int8(bitPattern: bytes[pair + 1]))
        }
        return line
    }

    /// 3.10 `co_linetable`: (byte length, signed line delta; -128 none) pairs.
    static func linetable310(_ bytes: [UInt8], firstLine: Int, offset: Int) -> Int? {
        var line = firstLine, end = 0
        for pair in stride(from: 0, to: bytes.count - 1, by: 2) {
            let start = end
            end += Int(bytes[pair])
            let delta = Int8(bitPattern: bytes[pair + 1])
            if delta != -128 { line += Int(delta) }
            if start <= offset, offset < end { return delta == -128 ? nil : line }
        }
        return nil
    }

    /// 3.11+ location table (`Objects/locations.md`): entries of a header
    /// byte (bit 7 set, code in bits 3–6, length−1 in bits 0–2) and varints.
    static func locations(_ bytes: [UInt8], firstLine: Int, unit: Int) -> Int? {
        var line = firstLine, address = 0, i = 0
        func varint() -> Int {
            guard i < bytes.count else { return 0 }
            var byte = bytes[i]; i += 1
            var value = Int(byte & 63), shift = 6
            while byte & 64 != 0, i < bytes.count, shift < 60 {
                byte = bytes[i]; i += 1
                value |= Int(byte & 63) << shift
                shift += 6
            }
            return value
        }
        func svarint() -> Int { let v = varint(); return v & 1 != 0 ? -(v >> 1) : v >> 1 }
        while i < bytes.count {
            let header = bytes[i]; i += 1
            guard header & 0x80 != 0 else { return nil }
            let kind = Int(header >> 3 & 15), length = Int(header & 7) + 1
            switch kind {
            case 15: break
            // The table comes from the target: a line that overflows wraps rather than traps.
            case 14: line &+= svarint(); _ = varint(); _ = varint(); _ = varint()
            case 13: line &+= svarint()
            case 10...12: line &+= kind - 10; i += 2
            default: i += 1
            }
            if address <= unit, unit < address + length { return kind == 15 ? nil : line }
            address += length
        }
        return nil
    }
}

extension GraphLayout {
    /// Where a frame is, in the unit of its version's line table
    /// (``LineTable/line(_:format:firstLine:position:)``), from the word at
    /// `frame + frameInstruction`: 3.8–3.9 `f_lasti` (a byte offset), 3.10
    /// `f_lasti` (2-byte code units), 3.11+ the instruction pointer (code units
    /// from `code + codeInstructions`). Nil before the first instruction or for
    /// a pointer outside the code.
    func linePosition(instructionWord word: UInt64, code: UInt64) -> Int? {
        switch lineTable {
        case .lnotab, .linetable310:
            let lasti = Int(Int32(truncatingIfNeeded: word))
            guard lasti >= 0 else { return nil }
            return lineTable == .linetable310 ? 2 * lasti : lasti
        case .locations:
            let start = code &+ codeInstructions
            guard word >= start, word - start < 1 << 24 else { return nil }
            return Int((word - start) / 2)
        }
    }
}
