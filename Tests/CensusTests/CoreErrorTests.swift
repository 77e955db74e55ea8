import Foundation
import PythonProcess
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

@Suite("Core file census: errors are one clear line naming the file; moved installs found with --exe", .serialized)
struct CoreErrorTests {
    /// Runs `memlens census arguments…`, expects exit 1 and one `error: ` line naming `file`; returns the line.
    func failingCensus(_ arguments: [String], naming file: String) throws -> String {
        let result = try runCommand([TestPaths.memlens, "census"] + arguments)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("error: core file \(file): "), "\(result.stderr)")
        return result.stderr
    }

    /// A core of `target` written by gcore into `folder`, the target then killed.
    func core(of target: WaitingTarget, in folder: URL) throws -> String {
        let core = try CoreTests().writeCore(of: target.pid, in: folder)
        kill(target.pid, SIGKILL)
        target.process.waitUntilExit()
        return core
    }

    static let python = PythonInterpreter.installed.last

    @Test("A truncated core: the byte offset named, for cuts anywhere; a corrupt one never crashes", .enabled(if: python != nil))
    func truncatedAndCorrupt() throws {
        let python = try #require(Self.python)
        let folder = try TestPaths.temporaryFolder("core-cut")
        defer { try? FileManager.default.removeItem(at: folder) }
        let whole = try core(of: WaitingTarget(python, script: "import sys; print('ready', flush=True); sys.stdin.read(1)"), in: folder)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))

        // Cut in half: the CLI names the file and an offset
        let half = folder.appending(path: "half.core").path
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: half))
        let message = try failingCensus([half], naming: half)
        #expect(message.contains("truncated") && message.contains("offset"), "\(message)")

        // Cut anywhere else, or with bytes of its headers and notes overwritten: an error, never a crash
        let cut = folder.appending(path: "cut.core")
        for eighth in [0, 1, 3, 5, 7] {
            try bytes.prefix(max(1, bytes.count * eighth / 8)).write(to: cut)
            #expect(throws: ProcessAccessError.self) { try Census.take(core: cut.path) }
        }
        // The ELF and program headers (before the first segment's bytes) and the notes
        let elf = try ELFFile(path: whole)
        let headers = Int(try #require(elf.segments.filter { $0.type == ELFFile.loadSegment }.map(\.offset).min()))
        let notes = try #require(elf.segments.first { $0.type == ELFFile.noteSegment })
        let spots = Array(0..<headers) + Array(Int(notes.offset)..<Int(notes.offset + notes.fileSize))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            var corrupt = bytes
            for _ in 0..<8 {
                let at = try #require(spots.randomElement(using: &generator))
                corrupt[at] = UInt8.random(in: 0...255, using: &generator)
            }
            try corrupt.write(to: cut)
            do { _ = try Census.take(core: cut.path) } catch {
                guard case .coreFile(let path, _) = error else { Issue.record("not a core file error: \(error)"); continue }
                #expect(path == cut.path)
            }
        }
    }

    @Test("Not a core file: an executable, a text file, a missing path", .enabled(if: python != nil))
    func notACore() throws {
        let python = try #require(Self.python)
        #expect(try failingCensus([python.path], naming: python.path).contains("not a core file (type"))
        let text = try TestPaths.temporaryFolder("core-text").appending(path: "notes.txt")
        defer { try? FileManager.default.removeItem(at: text.deletingLastPathComponent()) }
        try Data("just text\n".utf8).write(to: text)
        #expect(try failingCensus([text.path], naming: text.path).contains("not a core file (no ELF header)"))
        _ = try failingCensus(["/nonexistent/core.1"], naming: "/nonexistent/core.1")
    }

    @Test("A core of a process that is not Python")
    func notPython() throws {
        let folder = try TestPaths.temporaryFolder("core-sh")
        defer { try? FileManager.default.removeItem(at: folder) }
        let shell = try WaitingTarget(executable: "/bin/sh", arguments: ["-c", "echo ready; read line"])
        let core = try core(of: shell, in: folder)
        #expect(try failingCensus([core], naming: core).contains("not a CPython process"))
    }

    @Test("A core of Python 3.7: the version named", .enabled(if: FileManager.default.isExecutableFile(atPath: CensusErrorTests.python37)))
    func unsupportedVersion() throws {
        let folder = try TestPaths.temporaryFolder("core-37")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = try WaitingTarget(executable: CensusErrorTests.python37,
            arguments: ["-c", "import sys; print('ready', flush=True); sys.stdin.read(1)"])
        let core = try core(of: target, in: folder)
        let message = try failingCensus([core], naming: core)
        #expect(message.contains("ran Python 3.7.") && message.contains("3.8–3.13"), "\(message)")
    }

    @Test("Interpreter moved away since: an error saying to pass --exe; with --exe (libpython found in its ../lib) the census works",
          .enabled(if: python != nil))
    func movedInstall() throws {
        // GIVEN a core of a Python run from a copy of its executable and libpython, the copy then deleted
        let python = try #require(Self.python)
        let folder = try TestPaths.temporaryFolder("core-moved")
        defer { try? FileManager.default.removeItem(at: folder) }
        let home = URL(fileURLWithPath: python.path).deletingLastPathComponent().deletingLastPathComponent()
        let library = "libpython\(python.minor).so.1.0"
        let copy = folder.appending(path: "copy")
        for sub in ["bin", "lib"] { try FileManager.default.createDirectory(at: copy.appending(path: sub),
            withIntermediateDirectories: true) }
        try FileManager.default.copyItem(atPath: python.path, toPath: copy.appending(path: "bin/python").path)
        try FileManager.default.copyItem(at: home.appending(path: "lib/\(library)"), to: copy.appending(path: "lib/\(library)"))
        let target = try WaitingTarget(executable: copy.appending(path: "bin/python").path,
                                       arguments: ["-c", "import sys; print('ready', flush=True); sys.stdin.read(1)"],
                                       environment: ["LD_LIBRARY_PATH": copy.appending(path: "lib").path, "PYTHONHOME": home.path])
        let core = try core(of: target, in: folder)
        try FileManager.default.removeItem(at: copy)

        // WHEN memlens reads it without and with --exe
        let message = try failingCensus([core], naming: core)
        let (result, census) = try memlensJSON(["census", core, "--exe", python.path, "--json"])

        // THEN the first names the missing files and --exe; the second finds the interpreter
        #expect(message.contains(library) && message.contains("--exe"), "\(message)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(census["python"] as? String == python.version)
        #expect((census["objects"] as? Int ?? 0) > 1000)
    }
}
