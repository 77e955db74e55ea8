import Foundation
@testable import ProcFS
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The `/proc/PID/maps` parser against a real file captured by `cat` from
/// CPython 3.11 paused on a pipe (a second thread, a shared mapping of a file
/// whose name holds a space, a mapped file since deleted, an anonymous shared
/// mmap, an 8 MiB bytearray), checked field by field against a plain split.
struct MapsParsingTests {
    static func parse(_ bytes: [UInt8], chunk: Int) -> (table: MappingTable, stray: Int) {
        var parser = MapsParser()
        feedLineAligned(bytes, chunk: chunk) { parser.consume($0) }
        let stray = parser.strayLines
        return (parser.finish(), stray)
    }

    /// One line split the slow, obvious way: five space-separated fields, then the rest.
    struct Plain: Equatable {
        var start: UInt64, end: UInt64, permissions: String, offset: UInt64, major: UInt32, minor: UInt32, inode: UInt64, path: String

        init(_ line: Substring) throws {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            try #require(fields.count >= 5)
            let range = fields[0].split(separator: "-"), device = fields[3].split(separator: ":")
            start = try #require(UInt64(range[0], radix: 16))
            end = try #require(UInt64(range[1], radix: 16))
            permissions = String(fields[1])
            offset = try #require(UInt64(fields[2], radix: 16))
            major = try #require(UInt32(device[0], radix: 16))
            minor = try #require(UInt32(device[1], radix: 16))
            inode = try #require(UInt64(fields[4]))
            path = fields.count > 5 ? String(fields[5].drop { $0 == " " }) : ""
        }

        init(_ m: Mapping, in table: MappingTable) {
            start = m.start; end = m.end; permissions = m.permissions.text; offset = m.offset
            major = m.deviceMajor; minor = m.deviceMinor; inode = m.inode; path = table.path(of: m)
        }
    }

    @Test func everyFieldOfEveryLineMatchesAPlainSplit() throws {
        let bytes = try FixtureParsingTests.fixture("python311_maps.txt")
        let (table, stray) = Self.parse(bytes, chunk: 1 << 20)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(stray == 0)
        #expect(lines.count == 127)
        try #require(table.mappings.count == lines.count)
        for (line, mapping) in zip(lines, table.mappings) {
            #expect(try Plain(line) == Plain(mapping, in: table), "\(line)")
        }
        // Consecutive mappings of one file share one interned name.
        #expect(table.paths.count == Set(table.paths).count)
        #expect(table.paths.count < table.mappings.count / 2)
    }

    @Test func namesAddressesAndDevices() throws {
        let (table, _) = Self.parse(try FixtureParsingTests.fixture("python311_maps.txt"), chunk: 1 << 20)
        let first = try #require(table.mappings.first)
        #expect(table.path(of: first) == "/root/.pyenv/versions/3.11.7/bin/python3.11")
        #expect(first.permissions.text == "r--p")
        #expect(first.start == 0x55bb_d641_d000 && first.sizeBytes == 4096)
        #expect(first.deviceMajor == 0xfe && first.deviceMinor == 0 && first.inode == 20504)
        let code = table.mappings[1]
        #expect(code.permissions.executable && code.offset == 0x1000)
        // A name holding a space, and " (deleted)" kept as the kernel prints it.
        let shared = try #require(table.mappings.first { table.path(of: $0).hasSuffix("/data file.bin") })
        #expect(shared.permissions.text == "rw-s" && shared.sizeBytes == 64 << 10)
        #expect(table.paths.contains { $0.hasSuffix("/gone.bin (deleted)") })
        let zero = try #require(table.mappings.first { table.path(of: $0) == "/dev/zero (deleted)" })
        #expect(zero.permissions.shared && zero.deviceMajor == 0 && zero.deviceMinor == 1)
        // Pseudo-mappings, and the top of the address space.
        for name in ["[heap]", "[stack]", "[vdso]", "[vvar]"] { #expect(table.paths.contains(name), "\(name)") }
        let last = try #require(table.mappings.last)
        #expect(table.path(of: last) == "[vsyscall]" && last.start == 0xffff_ffff_ff60_0000 && last.permissions.text == "--xp")
        // Anonymous mappings (the line ends in "0 ") have no name; the thread stack's guard is one.
        let anonymous = table.mappings.filter { $0.pathIndex < 0 }
        #expect(anonymous.count >= 10)
        #expect(anonymous.allSatisfy { $0.inode == 0 && $0.device == 0 })
        #expect(anonymous.contains { $0.permissions.text == "---p" && $0.sizeBytes == 4096 })
        // maps has no counters.
        #expect(table.mappings.allSatisfy { $0.usage.rssBytes == 0 && $0.usage.pssBytes == 0 && $0.usage.sizeBytes == $0.sizeBytes })
    }

    @Test(arguments: [61, 4096, 65536])
    func chunkBoundariesDoNotMatter(chunk: Int) throws {
        let bytes = try FixtureParsingTests.fixture("python311_maps.txt")
        let whole = Self.parse(bytes, chunk: 1 << 20).table
        let pieces = Self.parse(bytes, chunk: chunk).table
        #expect(pieces.paths == whole.paths)
        #expect(pieces.mappings.map { Plain($0, in: pieces) } == whole.mappings.map { Plain($0, in: whole) })
    }

    @Test func smapsHeadersParseAsMaps() throws {
        // The header lines of smaps are maps lines: both parsers agree on them.
        let smaps = try FixtureParsingTests.fixture("python311_smaps.txt")
        let headers = String(decoding: smaps, as: UTF8.self).split(separator: "\n")
            .filter { $0.first.map { $0.isHexDigit && !$0.isUppercase } ?? false }
            .joined(separator: "\n") + "\n"
        let (maps, stray) = Self.parse(Array(headers.utf8), chunk: 1 << 20)
        let table = FixtureParsingTests.parseSmaps(smaps, chunk: 1 << 20)
        #expect(stray == 0)
        #expect(maps.mappings.count == 110)
        #expect(maps.mappings.map { Plain($0, in: maps) } == table.mappings.map { Plain($0, in: table) })
    }

    @Test func malformedLinesAreCountedNotParsed() {
        let text = """
            garbage
            7f00-
            7f00-7f10 rw-p
            7f00-7f10 rw-p 0000 fe
            7f00-7f10 rw-p 0000 fe:00 x
            7f00-7f10 rw-p 00000000 fe:00 12 /ok

            """
        let (table, stray) = Self.parse(Array(text.utf8), chunk: 1 << 20)
        #expect(stray == 5)
        #expect(table.mappings.count == 1)
        #expect(table.paths == ["/ok"])
        #expect(table.mappings.first?.inode == 12)
    }

    // A bound against a hang, not a timing: at the start of a full run, with every suite starting its
    // targets on 2 cores, this Python's start-up has taken over a minute (CI, 2026-12-07).
    @Test(.enabled(if: !PythonInterpreter.installed.isEmpty), .timeLimit(.minutes(5)))
    func liveMapsAgreeWithSmaps() throws {
        // GIVEN an idle Python
        let python = try #require(PythonInterpreter.installed.last)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python.path)
        process.arguments = ["-c", "import json, decimal, sys; sys.stdout.write('ready\\n'); sys.stdout.flush(); sys.stdin.read()"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        defer { try? input.fileHandleForWriting.close(); process.waitUntilExit() }
        _ = output.fileHandleForReading.readData(ofLength: 6)
        let pid = process.processIdentifier
        // THEN maps lists the mappings smaps does, and the cheap count agrees
        let maps = try ProcReader.maps(pid: pid)
        let smaps = try ProcReader.smaps(pid: pid)
        #expect(maps.mappings.count > 30)
        #expect(maps.mappings.map { Plain($0, in: maps) } == smaps.mappings.map { Plain($0, in: smaps) })
        #expect(try ProcReader.mappingCount(pid: pid) == maps.mappings.count)
        #expect(throws: ProcFSError.noSuchProcess(pid: 4_194_305)) { try ProcReader.maps(pid: 4_194_305) }
    }
}
