import Foundation
import SafeFiles
import Testing

/// A scratch folder for one test, removed by the caller.
private func scratch() throws -> PrivateFolder {
    try PrivateFolder.create(prefix: "memlens-safefiles-test")
}

@Suite("SafeFiles: new folders, no link followed, bounded reads")
struct SafeFilesTests {
    @Test("Private folders are new, 0700, this user's, with distinct names")
    func privateFolders() throws {
        let base = try scratch()
        defer { base.remove() }
        var names = Set<String>()
        for _ in 0..<50 {
            let folder = try base.directory.makeFolder(prefix: "p")
            let info = try FileManager.default.attributesOfItem(atPath: folder.path)
            #expect((info[.posixPermissions] as? Int) == 0o700)
            #expect((info[.ownerAccountID] as? Int) == Int(geteuid()))
            names.insert(folder.name)
        }
        #expect(names.count == 50)
    }

    @Test("A file is created only where no file or link of that name exists; the link's target is untouched")
    func createRefusesExisting() throws {
        let base = try scratch()
        defer { base.remove() }
        let victim = base.path + "/victim"
        try Data("victim".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: base.path + "/planted", withDestinationPath: victim)
        #expect(throws: FileSafetyError.self) { try base.directory.createFile("planted", contents: Array("payload".utf8)) }
        #expect(throws: FileSafetyError.self) { try base.directory.createFile("victim", contents: Array("payload".utf8)) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim")
        try base.directory.createFile("new", contents: Array("fresh".utf8))
        let info = try FileManager.default.attributesOfItem(atPath: base.path + "/new")
        #expect((info[.posixPermissions] as? Int) == 0o600)
    }

    @Test("Reads refuse links, FIFOs (without blocking) and files over the limit")
    func boundedReads() throws {
        let base = try scratch()
        defer { base.remove() }
        try Data("secret".utf8).write(to: URL(fileURLWithPath: base.path + "/secret"))
        try FileManager.default.createSymbolicLink(atPath: base.path + "/link", withDestinationPath: base.path + "/secret")
        #expect(mkfifo(base.path + "/fifo", 0o600) == 0)
        try Data(repeating: 65, count: 5000).write(to: URL(fileURLWithPath: base.path + "/big"))
        #expect(throws: FileSafetyError.self) { try base.directory.readRegularFile("link", limitBytes: 100) }
        #expect(throws: FileSafetyError.self) { try base.directory.readRegularFile("fifo", limitBytes: 100) }
        #expect(throws: FileSafetyError.self) { try base.directory.readRegularFile("big", limitBytes: 4096) }
        #expect(try base.directory.readRegularFile("secret", limitBytes: 6) == Array("secret".utf8))
        #expect(base.directory.contains("link"))
        #expect(!base.directory.contains("missing"))
    }

    @Test("An output refuses a link planted at its name (as a stream output does), writes nothing through it, and leaves no temporary")
    func atomicOutputRefusesLinks() throws {
        let base = try scratch()
        defer { base.remove() }
        let victim = base.path + "/victim"
        try Data("victim".utf8).write(to: URL(fileURLWithPath: victim))
        let output = base.path + "/out.mlh"
        try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: victim)
        #expect(throws: FileSafetyError.self) { try AtomicOutput.write(Array("snapshot".utf8), to: output) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim")
        let info = try FileManager.default.attributesOfItem(atPath: output)
        #expect((info[.type] as? FileAttributeType) == .typeSymbolicLink)
        #expect(Set(base.directory.entries()) == ["victim", "out.mlh"])
        // a plain file is created 0600
        let plain = base.path + "/plain.mlh"
        try AtomicOutput.write(Array("snapshot".utf8), to: plain)
        #expect((try FileManager.default.attributesOfItem(atPath: plain)[.posixPermissions] as? Int) == 0o600)
    }

    @Test("An abandoned output leaves the destination as it was")
    func abandonedOutput() throws {
        let base = try scratch()
        defer { base.remove() }
        let path = base.path + "/report.txt"
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let output = try AtomicOutput(path: path)
        try Array("half".utf8).withUnsafeBytes { try output.write($0) }
        output.abandon()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(base.directory.entries() == ["report.txt"])
    }

    @Test("A stream is a new 0600 file, readable as it is written; never over a file or through a link")
    func streamOutput() throws {
        let base = try scratch()
        defer { base.remove() }
        let path = base.path + "/samples.jsonl"
        let stream = try StreamOutput(path: path)
        try stream.write(Array("one\n".utf8))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\n")  // before close: a reader follows it
        try stream.write(Array("two\n".utf8))
        try stream.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(throws: FileSafetyError.self) { try StreamOutput(path: path) }
        let victim = base.path + "/victim", link = base.path + "/link.jsonl"
        try Data("victim".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
        #expect(throws: FileSafetyError.self) { try StreamOutput(path: link) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "victim")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\n")
    }

    @Test("Removal goes through descriptors and never follows a link out of the folder")
    func removalStaysInside() throws {
        let base = try scratch()
        defer { base.remove() }
        let outside = try base.directory.makeFolder(prefix: "outside")
        try outside.directory.createFile("keep", contents: Array("keep".utf8))
        let doomed = try base.directory.makeFolder(prefix: "doomed")
        let inner = try doomed.directory.createSubfolder("inner")
        try inner.createFile("file", contents: [1, 2, 3])
        try FileManager.default.createSymbolicLink(atPath: doomed.path + "/link", withDestinationPath: outside.path)
        doomed.remove()
        #expect(!FileManager.default.fileExists(atPath: doomed.path))
        #expect(FileManager.default.fileExists(atPath: outside.path + "/keep"))
    }

    @Test("A process's /tmp is opened inside its root")
    func processTemporary() throws {
        let tmp = try Directory.temporary(ofProcess: getpid())
        #expect(tmp.path == "/proc/\(getpid())/root/tmp")
        #expect(throws: FileSafetyError.self) { try Directory.temporary(ofProcess: Int32.max) }
    }

    /// GIVEN a process chrooted (as a container would be) into a root whose
    /// `/tmp` is a link to a folder outside it, WHEN its /tmp is opened, THEN
    /// it is refused and nothing appears outside; with a real `/tmp` there, a
    /// new folder lands in the process's /tmp, not the host's.
    @Test("A container whose /tmp is a link is refused; a real one is used", .enabled(if: geteuid() == 0, "chroot needs root"))
    func containerTemporary() throws {
        let base = try scratch()
        defer { base.remove() }
        let root = base.path + "/root", outside = base.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        // A root holding /bin/sleep and the libraries it loads.
        let ldd = Process()
        let pipe = Pipe()
        ldd.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        ldd.arguments = ["/bin/sleep"]
        ldd.standardOutput = pipe
        try ldd.run()
        let libraries = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.hasPrefix("/") }
        ldd.waitUntilExit()
        for file in libraries + ["/bin/sleep"] {
            let folder = root + (file as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // The file itself, not a link to it (ld.so is a link to where the libraries are).
            try FileManager.default.copyItem(atPath: URL(fileURLWithPath: file).resolvingSymlinksInPath().path, toPath: root + file)
        }
        func chrooted(_ body: (Int32) throws -> Void) throws {
            let sleeper = Process()
            sleeper.executableURL = URL(fileURLWithPath: "/usr/sbin/chroot")
            sleeper.arguments = [root, "/bin/sleep", "30"]
            try sleeper.run()
            defer { kill(sleeper.processIdentifier, SIGKILL); sleeper.waitUntilExit() }
            // Until chroot has exec'd sleep inside its new root.
            let rootLink = "/proc/\(sleeper.processIdentifier)/root"
            for _ in 0..<200 where (try? FileManager.default.destinationOfSymbolicLink(atPath: rootLink)) != root {
                usleep(10_000)
            }
            let inside = try FileManager.default.destinationOfSymbolicLink(atPath: rootLink)
            try #require(inside == root && sleeper.isRunning, "the chrooted sleep did not start")
            try body(sleeper.processIdentifier)
        }
        try FileManager.default.createSymbolicLink(atPath: root + "/tmp", withDestinationPath: outside)
        try chrooted { pid in
            #expect(throws: FileSafetyError.self) { try Directory.temporary(ofProcess: pid) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)

        try FileManager.default.removeItem(atPath: root + "/tmp")
        try FileManager.default.createDirectory(atPath: root + "/tmp", withIntermediateDirectories: false)
        try chrooted { pid in
            let folder = try Directory.temporary(ofProcess: pid).makeFolder(prefix: "memlens-test")
            #expect(FileManager.default.fileExists(atPath: root + "/tmp/" + folder.name))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/" + folder.name))
            folder.remove()
        }
    }
}
