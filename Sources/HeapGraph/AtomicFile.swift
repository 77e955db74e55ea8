#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SafeFiles
import SystemPackage

/// A growable byte buffer that `AtomicFile` drains to disk as it fills.
public struct OutputBuffer {
    var bytes: [UInt8] = []
    let descriptor: FileDescriptor
    let path: String

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
    public mutating func flushIfFull() throws(SnapshotError) {
        if bytes.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws(SnapshotError) {
        do {
            _ = try bytes.withUnsafeBytes { try descriptor.writeAll($0) }
        } catch {
            throw SnapshotError(path: path, offset: nil, reason: "write failed: \(error)")
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Writes a file under a new temporary name beside it and renames it into
/// place when complete, so a reader never sees half a file (``AtomicOutput``:
/// created `O_EXCL|O_NOFOLLOW`, mode 0600, flushed before the rename).
public enum AtomicFile {
    /// Creates `path` (mode 0600) with what `body` appends to the buffer.
    public static func write(
        to path: String, _ body: (inout OutputBuffer) throws(SnapshotError) -> Void
    ) throws(SnapshotError) {
        let output: AtomicOutput
        do { output = try AtomicOutput(path: path) } catch {
            throw SnapshotError(path: path, offset: nil, reason: error.reason)
        }
        var buffer = OutputBuffer(descriptor: output.descriptor, path: path)
        do {
            try body(&buffer)
            try buffer.flush()
        } catch {
            output.abandon()
            throw error
        }
        do { try output.commit() } catch {
            throw SnapshotError(path: path, offset: nil, reason: error.reason)
        }
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws only `SnapshotError`.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(SnapshotError) -> R) throws(SnapshotError) -> R {
        var result: Result<R, SnapshotError>?
        withUnsafeBytes { raw in
            result = Result { () throws(SnapshotError) -> R in try body(raw) }
        }
        return try result!.get()
    }
}
