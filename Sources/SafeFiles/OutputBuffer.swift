public import SystemPackage

/// A growable byte buffer that an ``AtomicOutput`` drains to disk as it fills.
public struct OutputBuffer {
    /// What is not written yet (a writer may patch it in place before it is flushed).
    public var bytes: [UInt8] = []
    let descriptor: FileDescriptor
    let path: String

    /// A buffer writing to `descriptor`, the file at `path`.
    public init(descriptor: FileDescriptor, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Appends UTF-8 text.
    public mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends raw bytes.
    public mutating func append(bytes more: some Sequence<UInt8>) { bytes.append(contentsOf: more) }

    /// Appends the decimal digits of `value` (no allocation, unlike `String(value)`).
    public mutating func append(decimal value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 20 digits at most, 8 bytes each
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            bytes.append(contentsOf: scratch[(20 - count)..<20])
        }
    }

    /// Appends `text` as a JSON string literal.
    public mutating func appendJSONString(_ text: String) {
        appendJSONString(utf8: text.utf8)
    }

    /// Appends UTF-8 bytes as a JSON string literal, escaping `<` too (`\u003c`),
    /// so the text can sit inside an HTML `<script>` block.
    public mutating func appendJSONString(utf8: some Sequence<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        for unit in utf8 {
            switch unit {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, UInt8(ascii: "<"):
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(unit >> 4)], hex[Int(unit & 15)]])
            default: bytes.append(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes out the buffer once it holds a megabyte or more.
    public mutating func flushIfFull() throws(FileSafetyError) {
        if bytes.count >= 1 << 20 { try flush() }
    }

    /// Writes out the buffer.
    public mutating func flush() throws(FileSafetyError) {
        do {
            _ = try bytes.withUnsafeBytes { try descriptor.writeAll($0) }
        } catch {
            throw FileSafetyError(path: path, reason: "write failed: \(error)")
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

extension AtomicOutput {
    /// Creates `path` (mode 0600) with what `body` appends to the buffer,
    /// drained to disk as it fills; nothing is left at `path` if `body` throws.
    /// Every error names `path`, the file asked for (not a folder on the way).
    public static func write(
        to path: String, _ body: (inout OutputBuffer) throws(FileSafetyError) -> Void
    ) throws(FileSafetyError) {
        let output: AtomicOutput
        do { output = try AtomicOutput(path: path) } catch { throw FileSafetyError(path: path, reason: error.reason) }
        var buffer = OutputBuffer(descriptor: output.descriptor, path: path)
        do {
            try body(&buffer)
            try buffer.flush()
        } catch {
            output.abandon()
            throw error
        }
        do { try output.commit() } catch { throw FileSafetyError(path: path, reason: error.reason) }
    }
}
