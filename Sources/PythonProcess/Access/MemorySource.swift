/// Something that holds a process's memory by address: the live process
/// (``ProcessMemory``), a copy of it (``HeapCopy``). Loads are little-endian
/// (x86-64, aarch64).
public protocol MemorySource {
    /// Fills `buffer` with the bytes at `address`; throws if any byte is missing.
    func read(at address: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws(ProcessAccessError)
}

extension MemorySource {
    /// `count` bytes at `address`.
    public func bytes(at address: UInt64, count: Int) throws(ProcessAccessError) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        try rethrowingTyped { try result.withUnsafeMutableBytes { try read(at: address, into: $0) } }
        return result
    }

    /// A little-endian integer at `address` (`load(UInt32.self, at: a)`).
    public func load<T: FixedWidthInteger>(_ type: T.Type, at address: UInt64) throws(ProcessAccessError) -> T {
        var value = T.zero
        try rethrowingTyped { try withUnsafeMutableBytes(of: &value) { try read(at: address, into: $0) } }
        return T(littleEndian: value)
    }

    /// The 8-byte pointer at `address`.
    public func pointer(at address: UInt64) throws(ProcessAccessError) -> UInt64 {
        try load(UInt64.self, at: address)
    }

    /// The NUL-terminated string at `address`, at most `maxLength` bytes, decoded as UTF-8.
    public func cString(at address: UInt64, maxLength: Int = 256) throws(ProcessAccessError) -> String {
        var bytes: [UInt8] = []
        var cursor = address
        while bytes.count < maxLength {
            // Read in small steps so a string near the end of a mapping does not fault.
            let step = min(64, maxLength - bytes.count, Int(4096 - cursor % 4096))
            let chunk = try self.bytes(at: cursor, count: step)
            if let end = chunk.firstIndex(of: 0) { bytes += chunk[..<end]; break }
            bytes += chunk
            cursor &+= UInt64(step)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Runs `body`, whose only errors are `ProcessAccessError`s thrown through an
/// untyped closure (the standard library's `withUnsafe…` are untyped).
func rethrowingTyped<T>(_ body: () throws -> T) throws(ProcessAccessError) -> T {
    do { return try body() } catch let error as ProcessAccessError { throw error } catch {
        throw .inconsistent(pid: 0, detail: "\(error)")
    }
}
