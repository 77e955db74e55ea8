public import SystemPackage

extension Directory {
    /// Copies the regular file `name` in this folder to `destination` (a new
    /// file renamed into place: ``AtomicOutput``) and returns its size. A file
    /// of more than `limitBytes`, or one that grows past it while it is copied,
    /// is refused with nothing written. The file is copied, never renamed: it
    /// may belong to another user (a target that wrote it).
    @discardableResult
    public func copyRegularFile(_ name: String, to destination: String, limitBytes: Int) throws(FileSafetyError) -> Int {
        let (input, size) = try openRegularFile(name)
        defer { try? input.close() }
        let source = path + "/" + name
        func refusal(_ bytes: Int) -> FileSafetyError {
            FileSafetyError(path: source, reason: "\(bytes) bytes, more than the \(limitBytes) memlens accepts here (refused)")
        }
        guard size <= limitBytes else { throw refusal(size) }
        var copied = 0
        try AtomicOutput.write(to: destination) { (out: inout OutputBuffer) throws(FileSafetyError) in
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count: Int
                do {
                    count = try chunk.withUnsafeMutableBytes { try input.read(into: $0, retryOnInterrupt: true) }
                } catch {
                    throw FileSafetyError(path: source, reason: "read failed: \(error)")
                }
                if count == 0 { return }
                copied += count
                guard copied <= limitBytes else { throw refusal(copied) }
                out.append(bytes: chunk[..<count])
                try out.flushIfFull()
            }
        }
        return copied
    }
}
