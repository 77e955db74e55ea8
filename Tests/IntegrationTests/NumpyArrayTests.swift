import Foundation
import HeapGraph
import Testing
import TestSupport

/// numpy arrays in the read-only snapshot: sized as `sys.getsizeof` (their data
/// counted where owned), with their dtype, base and, for object arrays, every
/// element as referents — the same the agent adds, since `gc.get_referents`
/// returns nothing for them; the agent's dump and the read-only snapshot agree
/// within 0.5%. numpy (and pandas) come from PyPI into a venv. The pandas cases
/// run in ``PandasProcessTests``, whose target this is too.
@Suite("memlens snapshot PID: numpy arrays, their sizes and what they hold", .serialized)
struct NumpyArrayTests {
    /// One interpreter with one numpy: the latest its wheels allow (2.x, with pandas), or 1.26.
    struct Case: CustomStringConvertible, Sendable {
        var python: PythonInterpreter
        var packages: [String]
        var venv: String
        var description: String { "\(python), \(packages.joined(separator: " + "))" }
    }

    /// numpy 2.x with pandas on every pyenv 3.10–3.13 and Debian's 3.14 and 3.15; numpy 1.26 on 3.12 (its newest wheel).
    static let cases: [Case] = {
        let latest = PythonInterpreter.of(minors: ["3.10", "3.11", "3.12", "3.13"]) + PythonInterpreter.modern
        let old = PythonInterpreter.of(minors: ["3.12"])
        return latest.map { Case(python: $0, packages: ["--only-binary=:all:", "numpy", "pandas"], venv: "numpy2-pandas") }
            + old.map { Case(python: $0, packages: ["--only-binary=:all:", "numpy<2"], venv: "numpy1") }
    }()

    /// numpy 1.26 (no pandas); the pandas cases run in ``PandasProcessTests``, on the same target, with `frag` besides.
    @Test("Sizes equal sys.getsizeof; object arrays' elements are in, reached through [i]; the agent agrees",
          .timeLimit(.minutes(10)), arguments: cases.filter { !$0.venv.contains("pandas") })
    func arraysAsTheTargetSeesThem(_ test: Case) throws {
        // GIVEN the target's arrays, after the agent's own dump of the process, in read(2)
        let python = try PythonVenv.python(named: test.venv, packages: test.packages, base: test.python)
        let folder = try TestPaths.temporaryFolder("numpy-\(test.python.minor)")
        let target = try Self.target(python, folder: folder)
        defer { target.finish() }
        let truth = try JSONDecoder().decode(Truth.self, from: Data(target.firstLine.utf8))

        // WHEN memlens reads it from outside
        let path = folder.appending(path: "readonly.mlh").path
        let result = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", path])
        try #require(result.status == 0, "\(result.stderr)")
        target.finish()

        // THEN every array has its size, what arrays hold is in, and the agent agrees
        try Self.checkArrays(test, truth, path: path, agentPath: folder.appending(path: "agent.mlh").path)
        // AND a path to what only an array holds goes through it, by index (the pandas cases: to a column's str)
        let paths = try runCommand([TestPaths.memlens, "paths", path, "--type", truth.only, "--max", "3"])
        #expect(paths.status == 0, "\(paths.stderr)")
        for line in paths.stdout.split(separator: "\n") {
            #expect(line.contains(#/ → numpy\.ndarray 0x[0-9a-f]+ → \[\d+\] → __main__\.OnlyInArray 0x[0-9a-f]+$/#), "\(line)")
        }
    }

    /// The fixture, run by `python`, after its agent's dump to `folder/agent.mlh`.
    static func target(_ python: String, folder: URL) throws -> WaitingTarget {
        try WaitingTarget(executable: python,
                          arguments: [try fixture("numpy_arrays.py"), "dump", folder.appending(path: "agent.mlh").path],
                          environment: ["PYTHONPATH": TestPaths.packageRoot.appending(path: "python").path])
    }

    /// The read-only snapshot at `path` against the target's `truth` and the agent's dump at `agentPath`:
    /// every array reachable in the target sized as `sys.getsizeof`, the str that object arrays hold in,
    /// the agent's referents of the arrays, and both snapshots' counts and bytes within 0.5%.
    static func checkArrays(_ test: Case, _ truth: Truth, path: String, agentPath: String) throws {
        let graph = try SnapshotLoader.load(path: path), agent = try SnapshotLoader.load(path: agentPath)
        let arrayIDs = Set(truth.arrays.map(\.id))
        let index = Self.index(graph, of: arrayIDs.union(truth.strings).union(truth.column))
        let agentIndex = Self.index(agent, of: arrayIDs)
        #expect(truth.arrays.count >= 2000)
        for array in truth.arrays {
            let i = try #require(index[array.id], "\(test): array 0x\(String(array.id, radix: 16)) not in the snapshot")
            #expect(graph.sizes[i] == array.size,
                    "\(test): \(graph.typeName(of: i)) is \(graph.sizes[i]) bytes, sys.getsizeof \(array.size)")
            #expect(!graph.flags[i].contains(.conservativeReferents))
        }
        // object arrays' str: 1,000 distinct ones, a DataFrame's column
        #expect(truth.strings.allSatisfy { index[$0] != nil }, "\(test): an object array's str missing")
        #expect(truth.column.allSatisfy { index[$0] != nil }, "\(test): a column str missing")
        if test.venv.contains("pandas") { #expect(truth.column.count == 10_000, "\(test): pandas did not load") }
        // the agent's referents of the arrays are the walk's. 3.14+: numpy.ma's two singletons (Python subclasses)
        // differ in their instance attributes (inline values read, the agent's dict): counted, not failed.
        var compared = 0, subclassesOff = 0
        for array in truth.arrays {
            guard let a = agentIndex[array.id], let b = index[array.id] else { continue }
            compared += 1
            #expect(agent.sizes[a] == graph.sizes[b])
            guard Self.referents(a, agent) != Self.referents(b, graph) else { continue }
            if graph.typeName(of: b) == "numpy.ndarray" || subclassesOff >= 2 {
                Issue.record("\(test): \(graph.typeName(of: b)) 0x\(String(array.id, radix: 16)) has other referents than the agent's")
            }
            subclassesOff += 1
        }
        #expect(compared * 100 >= truth.arrays.count * 99, "\(test): \(compared) of \(truth.arrays.count) arrays in the agent's snapshot")
        // both methods see the same heap within 0.5%. Measured (issue 27): 3.10 the read-only walk has 0.08% more objects
        // and 0.11% more bytes, Cython 3.1's functions' __annotations__ dicts (not traversed; their getter makes one where
        // there is none, so the agent does not call it); 3.11–3.15 ≤ 0.02% either way; numpy 1.26 on 3.12 0.002%, 0.04%.
        // (After a full collection, 3.12/3.13 untrack numpy's ufunc loop registry, dicts of tuples that only C holds:
        // 4,950 objects the agent cannot reach then, 0.75%/0.49% of objects. The target made no full collection.)
        let counts = (agent: Double(agent.count), readOnly: Double(graph.count))
        let totals = (agent: Double(agent.totalSizeBytes), readOnly: Double(graph.totalSizeBytes))
        let off = (count: (counts.readOnly - counts.agent) / counts.agent * 100,
                   bytes: (totals.readOnly - totals.agent) / totals.agent * 100)
        print("\(test): objects agent \(Int(counts.agent)), read-only \(Int(counts.readOnly)) (\(String(format: "%+.3f", off.count))%); "
              + "bytes agent \(Int(totals.agent)), read-only \(Int(totals.readOnly)) (\(String(format: "%+.3f", off.bytes))%)")
        #expect(abs(off.count) <= 0.5, "\(test): objects \(counts)")
        #expect(abs(off.bytes) <= 0.5, "\(test): bytes \(totals)")
        print("\(test) (numpy \(truth.numpy), pandas \(truth.pandas ?? "none")): \(truth.arrays.count) arrays sized as "
              + "sys.getsizeof; \(truth.strings.count + truth.column.count) held str in; "
              + "\(compared - subclassesOff) of \(compared) arrays' referents equal the agent's")
    }

    @Test("An object array of 10,000,000 elements (a buffer the copy holds in several regions): every one a referent",
          .timeLimit(.minutes(5)), arguments: cases.prefix(1))
    func tenMillionElements(_ test: Case) throws {
        // GIVEN np.array(words * 10_000, dtype=object) over 1,000 distinct str
        let python = try PythonVenv.python(named: test.venv, packages: test.packages, base: test.python)
        let path = try TestPaths.temporaryFolder("numpy-big").appending(path: "s.mlh").path
        let target = try WaitingTarget(executable: python, arguments: [try fixture("numpy_arrays.py"), "big"])
        defer { target.finish() }
        let array = try #require(try JSONDecoder().decode([String: UInt64].self, from: Data(target.firstLine.utf8))["array"])
        // WHEN memlens reads it (bench/snapshot/numpy.sh times it, release build)
        let result = try runCommand([TestPaths.memlens, "snapshot", String(target.pid), "-o", path])
        try #require(result.status == 0, "\(result.stderr)")
        target.finish()
        // THEN its referents are its 10 M elements and its dtype
        let graph = try SnapshotLoader.load(path: path)
        let i = try #require(Self.index(graph, of: [array])[array])
        #expect(graph.referents(of: i).count == 10_000_001)
        #expect(graph.sizes[i] == 80_000_112)
    }

    /// Where the objects at `addresses` are in `graph`.
    private static func index(_ graph: HeapGraph, of addresses: Set<UInt64>) -> [UInt64: Int] {
        var index: [UInt64: Int] = [:]
        for i in 0..<graph.count where addresses.contains(graph.addresses[i]) { index[graph.addresses[i]] = i }
        return index
    }

    private static func referents(_ i: Int, _ graph: HeapGraph) -> [UInt64] {
        graph.referents(of: i).map { graph.addresses[Int($0)] }.sorted()
    }

    /// What the target printed (see the fixture's docstring).
    struct Truth: Decodable {
        struct Array: Decodable {
            var id: UInt64
            var size: UInt64
        }
        var arrays: [Array]
        var strings: [UInt64]
        var only: String
        var column: [UInt64]
        var numpy: String
        var pandas: String?
        /// Bytes of data the arrays own.
        var owned: UInt64
        /// With pandas, the pandas process: the DataFrame, `memory_usage(deep=True).sum()`, row 12,345's str.
        var frame: UInt64?
        var memory_usage: UInt64?
        var row: UInt64?
    }
}
