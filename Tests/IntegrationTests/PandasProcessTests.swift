import Foundation
import HeapGraph
import Testing
import TestSupport

/// Issue 27's pandas process at 1/10 scale (a 20 MB float array, a DataFrame of
/// 500,000 rows with a str column, 2,000 small arrays), in NumpyArrayTests'
/// target and venvs (one target for both): `frag` explains its USS, as
/// `smaps_rollup` gives it, within 3%; the DataFrame retains what pandas says it
/// holds; a path reaches a column str through its array; and NumpyArrayTests'
/// checks, the agent's dump against the read-only snapshot within 0.5% among them.
@Suite("The pandas process: frag's USS account, the DataFrame's retained size, paths, its arrays, the agent", .serialized)
struct PandasProcessTests {
    static let cases = NumpyArrayTests.cases.filter { $0.venv.contains("pandas") }

    @Test("frag explains USS within 3%, owned buffers by type; retained ≥ 0.95 × memory_usage; a path through [i]; arrays",
          .timeLimit(.minutes(10)), arguments: cases)
    func pandasProcess(_ test: NumpyArrayTests.Case) throws {
        // GIVEN the process, after the agent's own dump of it, and what pandas says its DataFrame holds
        let python = try PythonVenv.python(named: test.venv, packages: test.packages, base: test.python)
        let folder = try TestPaths.temporaryFolder("pandas-\(test.python.minor)")
        let path = folder.appending(path: "readonly.mlh").path
        let target = try NumpyArrayTests.target(python, folder: folder)
        defer { target.finish() }
        let truth = try JSONDecoder().decode(NumpyArrayTests.Truth.self, from: Data(target.firstLine.utf8))
        let (frame, memoryUsage, row) = (try #require(truth.frame), try #require(truth.memory_usage), try #require(truth.row))

        // WHEN frag accounts for its memory, between two readings of its USS by the test
        let before = try Self.uss(target.pid)
        let frag = try runCommand([TestPaths.memlens, "frag", String(target.pid), "--json"])
        let after = try Self.uss(target.pid)
        try #require(frag.status == 0, "\(frag.stderr)")
        let account = try JSONDecoder().decode(Frag.self, from: Data(frag.stdout.utf8)).uss_account

        // THEN the parts explain USS within 3%, and the arrays' data are owned by numpy.ndarray, once each
        let uss = Double(before + after) / 2
        let (low, high) = (Double(min(before, after)) * 0.99, Double(max(before, after)) * 1.01)  // other processes share files
        #expect(Double(account.uss) >= low && Double(account.uss) <= high,
                "\(test): frag's USS \(account.uss), smaps_rollup \(before)…\(after)")
        #expect(Double(account.unexplained) <= uss * 0.03, "\(test): \(account.unexplained) of \(account.uss) bytes unexplained")
        #expect(Double(account.overcounted) <= uss * 0.03, "\(test): the parts exceed USS by \(account.overcounted) bytes")
        let arrays = account.owned_by_type.first { $0.type == "numpy.ndarray" }?.bytes ?? 0
        // The data the arrays own (20 MB of floats, the frames' columns, the str columns' pointers, the fixture's
        // other arrays), each in a chunk or a mapping of its own: a little more.
        #expect(arrays >= truth.owned && arrays <= truth.owned + (1 << 20),
                "\(test): numpy.ndarray owns \(arrays) bytes, its data are \(truth.owned)")

        // WHEN a read-only snapshot is taken
        let snapshot = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", path])
        try #require(snapshot.status == 0, "\(snapshot.stderr)")
        target.finish()

        // THEN the DataFrame retains at least 95% of what memory_usage(deep=True) counts
        let retained = try runCommand([TestPaths.memlens, "retained", path, "--address", "0x" + String(frame, radix: 16), "--json"])
        try #require(retained.status == 0, "\(retained.stderr)")
        let retainedRow = try #require(try JSONDecoder().decode(Retained.self, from: Data(retained.stdout.utf8)).objects.first)
        let ratio = Double(retainedRow.retained) / Double(memoryUsage)
        #expect(ratio >= 0.95, "\(test): the DataFrame retains \(retainedRow.retained), memory_usage(deep=True) \(memoryUsage)")
        // AND the path to a column str goes DataFrame → … → ndarray → [12345] → str (pandas 2: a NumpyBlock; 3: a StringArray)
        let paths = try runCommand([TestPaths.memlens, "paths", path, "--address", "0x" + String(row, radix: 16)])
        #expect(paths.stdout.contains(#/DataFrame 0x[0-9a-f]+ → .* → numpy\.ndarray 0x[0-9a-f]+ → \[12345\] → str /#),
                "\(test): \(paths.stdout) \(paths.stderr)")
        print("\(test) (numpy \(truth.numpy), pandas \(truth.pandas ?? "?")): USS \(account.uss), unexplained \(account.unexplained) "
              + "(explained \(String(format: "%.2f", account.explained_fraction * 100))%); objects \(account.objects), owned native "
              + "\(account.owned_native) (numpy.ndarray \(arrays)), slack \(account.allocator_slack), interpreter and libraries "
              + "\(account.interpreter_and_libraries) (malloc no object owns \(account.other_native)); "
              + "retained/memory_usage \(String(format: "%.4f", ratio))")
        // AND every array is sized as sys.getsizeof, what object arrays hold is in, and the agent agrees within 0.5%
        try NumpyArrayTests.checkArrays(test, truth, path: path, agentPath: folder.appending(path: "agent.mlh").path)
    }

    /// USS (`Private_Clean` + `Private_Dirty` of `smaps_rollup`), in bytes.
    static func uss(_ pid: Int32) throws -> UInt64 {
        let rollup = try kernelRollup(pid)
        return (rollup["Private_Clean"] ?? 0) + (rollup["Private_Dirty"] ?? 0)
    }

    struct Frag: Decodable {
        struct Owned: Decodable { var type: String; var bytes: UInt64 }
        struct Account: Decodable {
            var uss: UInt64; var objects: UInt64; var owned_native: UInt64; var owned_by_type: [Owned]; var allocator_slack: UInt64
            var interpreter_and_libraries: UInt64; var other_native: UInt64; var unexplained: UInt64; var overcounted: UInt64
            var explained_fraction: Double
        }
        var uss_account: Account
    }

    struct Retained: Decodable {
        struct Row: Decodable { var retained: UInt64 }
        var objects: [Row]
    }
}
