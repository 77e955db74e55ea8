#if canImport(Glibc)
import Glibc
#endif

/// Byte-level helpers for `/proc` text: no regex, no String splitting.
enum ByteParsing {
    /// Calls `body` with each line of `text` (without the newline); `memchr` finds the breaks.
    @inline(__always)
    static func forEachLine(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = text.baseAddress else { return }
        var start = 0
        let count = text.count
        while start < count {
            let end: Int
            if let found = memchr(base + start, 0x0A, count - start) {
                end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            } else {
                end = count
            }
            body(UnsafeBufferPointer(start: base + start, count: end - start))
            start = end + 1
        }
    }

    /// The decimal number after `index` (skipping spaces and tabs); `index` moves past it.
    @inline(__always)
    static func decimal(_ line: UnsafeBufferPointer<UInt8>, from index: inout Int) -> UInt64 {
        while index < line.count && (line[index] == 0x20 || line[index] == 0x09) { index += 1 }
        var value: UInt64 = 0
        while index < line.count {
            let digit = line[index] &- 0x30
            if digit > 9 { break }
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        return value
    }

    /// The hexadecimal number at `index`; `index` moves past it.
    @inline(__always)
    static func hex(_ line: UnsafeBufferPointer<UInt8>, from index: inout Int) -> UInt64 {
        var value: UInt64 = 0
        while index < line.count {
            let c = line[index]
            let digit: UInt8
            if c &- 0x30 <= 9 {
                digit = c &- 0x30
            } else if c &- 0x61 <= 5 {
                digit = c &- 0x61 &+ 10
            } else if c &- 0x41 <= 5 {
                digit = c &- 0x41 &+ 10
            } else {
                break
            }
            value = value << 4 | UInt64(digit)
            index += 1
        }
        return value
    }

    /// Position of the first `byte` at or after `from`, or `line.count`.
    @inline(__always)
    static func find(_ byte: UInt8, in line: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        while i < line.count && line[i] != byte { i += 1 }
        return i
    }

    /// Whether `line` starts with `prefix` followed by `:`; on success `index` is after the colon.
    @inline(__always)
    static func key(_ line: UnsafeBufferPointer<UInt8>, is prefix: StaticString, index: inout Int) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard line.count > n, line[n] == 0x3A, let base = line.baseAddress else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where base[i] != p[i] { return false }
        index = n + 1
        return true
    }

    /// `value kB` → bytes (the kernel prints these fields in kB).
    @inline(__always)
    static func kilobytes(_ line: UnsafeBufferPointer<UInt8>, from index: Int) -> UInt64 {
        var i = index
        return decimal(line, from: &i) &* 1024
    }
}
