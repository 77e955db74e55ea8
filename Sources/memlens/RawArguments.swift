import ArgumentParser

/// memlens's arguments as the kernel gave them. Swift decodes argv as UTF-8
/// and puts U+FFFD where bytes are not UTF-8, so a file name that is not
/// UTF-8 would be read, or written (`-o`), under another name. memlens names
/// files with `String`s, so such an argument is refused with one line.
enum RawArguments {
    /// The first argument that is not valid UTF-8, shown with U+FFFD, nil when all are.
    static func firstNotUTF8() -> (index: Int, shown: String)? {
        for index in stride(from: 1, to: Int(CommandLine.argc), by: 1) {
            guard let raw = CommandLine.unsafeArgv[index] else { continue }
            let shown = String(cString: raw)
            // Decoding put U+FFFD for invalid bytes when the bytes differ.
            var bytes: [UInt8] = []
            var p = raw
            while p.pointee != 0 { bytes.append(UInt8(bitPattern: p.pointee)); p += 1 }
            if Array(shown.utf8) != bytes { return (index, shown) }
        }
        return nil
    }
}

extension Memlens {
    /// Refuses an argument that is not UTF-8 (one line, exit 64), then runs the command.
    static func main() {
        if let bad = RawArguments.firstNotUTF8() {
            printError("error: argument \(bad.index) (\(bad.shown.debugDescription)) is not valid UTF-8 (shown with U+FFFD): memlens " +
                "names files in UTF-8 and cannot open or create this one, nor pass it on unchanged; rename it, or give a link with a " +
                "UTF-8 name")
            Self.exit(withError: ExitCode.validationFailure)
        }
        Self.main(nil)
    }
}
