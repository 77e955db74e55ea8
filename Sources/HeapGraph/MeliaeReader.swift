/// Reads meliae's JSON dump format: one object per line,
/// `{"address": A, "type": "T", "size": S, "len": L, "value": V, "name": N, "refs": [...]}`.
/// Lines are parsed straight from a reused block buffer.
enum MeliaeReader {
    static func read(file: InputFile, contents: SnapshotContents) throws(SnapshotError) -> HeapGraph {
        var builder = HeapGraphBuilder(metadata: SnapshotMetadata(source: "meliae"), expectedObjects: max(1024, file.size / 100))
        let blockSize = 4 << 20
        var offset = 0
        var carry: [UInt8] = []
        var refs: [UInt64] = []
        var lineNumber = 0
        while offset < file.size {
            var block = try file.read(at: offset, count: blockSize)
            let blockStart = offset - carry.count
            offset += block.count
            if !carry.isEmpty { block = carry + block }
            let atEnd = offset >= file.size
            let consumed = try block.withBytes { (raw) throws(SnapshotError) -> Int in
                var lineStart = 0
                while true {
                    guard let newline = raw[lineStart...].firstIndex(of: 0x0A) ?? (atEnd && lineStart < raw.count ? raw.count : nil) else {
                        return lineStart
                    }
                    lineNumber += 1
                    let line = UnsafeRawBufferPointer(rebasing: raw[lineStart..<newline])
                    try parse(line, at: blockStart + lineStart, lineNumber: lineNumber, path: file.path, contents: contents, refs: &refs,
                        into: &builder)
                    lineStart = newline + 1
                    if lineStart >= raw.count { return raw.count }
                }
            }
            carry = Array(block[consumed...])
        }
        return builder.finish()
    }

    private static func parse(
        _ line: UnsafeRawBufferPointer, at fileOffset: Int, lineNumber: Int, path: String,
        contents: SnapshotContents, refs: inout [UInt64], into builder: inout HeapGraphBuilder
    ) throws(SnapshotError) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return }
        var address: UInt64?
        var typeName = "?"
        var size: UInt64 = 0
        var length: Int?
        var value: ObjectValue?
        var moduleName: String?
        refs.removeAll(keepingCapacity: true)
        var scanner = FlatJSONScanner(line)
        do {
            try scanner.forEachField { (s, key) throws(FlatJSONScanner.Failure) in
                switch key {
                case "address": address = try s.readUInt()
                case "type": typeName = try s.readString()
                case "size": size = try s.readUInt()
                case "len": length = Int(clamping: try s.readUInt(saturating: true))  // any digits may follow "len"
                case "refs" where contents == .full: try s.readUIntArray(into: &refs)
                case "name" where s.isString: moduleName = try s.readString()
                case "value" where s.isString:
                    let text = try s.readString()
                    value = .text(text, length: text.unicodeScalars.count)
                case "value" where !s.isNull:
                    let number = try s.readNumberText()
                    if let i = Int64(number) { value = .int(i) } else if let d = Double(number) { value = .float(d) }
                default: try s.skipValue()
                }
            }
        } catch {
            switch error {
            case .syntax(let p):
                throw SnapshotError(path: path, offset: fileOffset + p,
                    reason: "line \(lineNumber) is not a meliae JSON record (syntax error at column \(p + 1))")
            case .tooLarge(let p):
                throw SnapshotError(path: path, offset: fileOffset + p,
                    reason: "line \(lineNumber): the number at column \(p + 1) is larger than 2^64 - 1")
            }
        }
        guard let address else {
            throw SnapshotError(path: path, offset: fileOffset, reason: "line \(lineNumber) has no \"address\"")
        }
        let typeID = builder.typeID(named: typeName)
        let index = builder.addObject(address: address, typeID: typeID, size: size, refcount: 0)
        builder.closeObject(referents: refs)
        if case .text(let text, _)? = value { value = .text(text, length: length ?? text.unicodeScalars.count) }
        if let value, contents == .full { builder.setValue(value, for: index) }
        if let moduleName, typeName == "module" { builder.addRoot(address: address, kind: "module", name: moduleName) }
    }
}
