public import Foundation

/// Pythons without symbol tables, as production runs them: the machine's own
/// `/usr/bin/python3` (a distribution build, stripped) and stripped copies of
/// the pyenv interpreters (as a container image ships them).
extension PythonInterpreter {
    /// `/usr/bin/python3` when present (Debian's 3.11.2 here). Its version is asked of it.
    public static let system: PythonInterpreter? = {
        let path = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: path),
              let result = try? runCommand([path, "-c", "import platform; print(platform.python_version())"]), result.status == 0
        else { return nil }
        let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return PythonInterpreter(version: version + " (/usr/bin/python3)", path: path)
    }()

    /// The pyenv installation this interpreter belongs to (`…/versions/3.11.7`).
    public var prefix: URL { URL(fileURLWithPath: path).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent() }

    /// pyenv's shared libpython of this interpreter, with its symbols.
    public var sharedLibrary: String { prefix.appending(path: "lib/libpython\(minor).so.1.0").path }

    /// A copy of this pyenv interpreter as a container image ships it: the
    /// binary and its libpython copied to a new folder and `strip --strip-all`ed
    /// (no `.symtab`; `.dynsym` stays), started by a wrapper script that `exec`s
    /// it with its stdlib (`PYTHONHOME`) and the copied library first
    /// (`LD_LIBRARY_PATH` wins over the binary's RUNPATH). `path` is the
    /// wrapper: the process it starts is the stripped interpreter.
    public func strippedCopy() throws -> PythonInterpreter {
        let folder = try TestPaths.temporaryFolder("stripped-\(minor)")
        let binary = folder.appending(path: "python\(minor)").path
        let library = folder.appending(path: "libpython\(minor).so.1.0").path
        try FileManager.default.copyItem(atPath: prefix.appending(path: "bin/python\(minor)").path, toPath: binary)
        try FileManager.default.copyItem(atPath: sharedLibrary, toPath: library)
        let strip = try runCommand(["/usr/bin/strip", "--strip-all", binary, library])
        guard strip.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: strip.stderr]) }
        let wrapper = folder.appending(path: "run").path
        let script = "#!/bin/sh\nPYTHONHOME='\(prefix.path)' LD_LIBRARY_PATH='\(folder.path)' exec '\(binary)' \"$@\"\n"
        try Data(script.utf8).write(to: URL(fileURLWithPath: wrapper))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
        return PythonInterpreter(version: version + " (stripped)", path: wrapper)
    }

    /// `/usr/bin/python3` if present, then stripped copies of every pyenv
    /// 3.8–3.13 installed (none without `/usr/bin/strip`).
    public static let withoutSymbols: [PythonInterpreter] = {
        let copies = FileManager.default.isExecutableFile(atPath: "/usr/bin/strip") ? found.compactMap { try? $0.strippedCopy() } : []
        return (system.map { [$0] } ?? []) + copies
    }()

    /// Whether this is a stripped copy made by ``strippedCopy()`` (so ``unstripped`` has its symbols).
    public var isStrippedCopy: Bool { version.hasSuffix(" (stripped)") }

    /// The pyenv interpreter a stripped copy was made from.
    public var unstripped: PythonInterpreter? { Self.found.first { $0.minor == minor } }
}
