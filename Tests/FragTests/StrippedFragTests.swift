import Foundation
import Fragmentation
import PythonProcess
import Testing
import TestSupport

/// `memlens frag` and the census's arena summary on Pythons without symbol
/// tables: `/usr/bin/python3` and stripped copies of pyenv 3.8–3.13, where
/// 3.8–3.11's arena table is found by ``ArenaTableSearch``.
@Suite(.serialized) struct StrippedFragTests {
    static let pythons = PythonInterpreter.withoutSymbols
    /// Where the table has no symbol of its own without `.symtab`.
    static func searched(_ python: PythonInterpreter) -> Bool { ["3.8", "3.9", "3.10", "3.11"].contains(python.minor) }

    @Test(.needsPython) func thereAreStrippedPythons() {
        #expect(Self.pythons.count >= 2, "neither /usr/bin/python3 nor a pyenv interpreter to strip: nothing tested")
    }

    /// GIVEN seed 000's example at 1/10 scale keeping 1 string in 1,000 on a
    /// Python without symbols, WHEN `frag PID --json` and `census PID --json`
    /// read it, THEN the arena count is what `sys._debugmallocstats()` says,
    /// the survivors are named as the pinners, and the census has its arena summary.
    @Test(arguments: pythons)
    func arenasWithoutSymbols(python: PythonInterpreter) throws {
        let target = try FragTarget(python, scale: 0.1, keepEvery: 1000)
        let (result, json) = try memlensJSON(["frag", String(target.pid), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let truth = try target.debugMallocStats()
        let arenas = try #require(json["arenas"] as? [String: Any])
        #expect(arenas["count"] as? Int == truth.arenas, "\(python)")
        #expect(arenas["found_by"] as? String == (Self.searched(python) ? "search" : "symbols"))
        let survivors = Set(target.ask("ids").split(separator: " ").dropFirst().map { "0x" + $0 })
        let pinned = try #require(json["pinned_objects"] as? [[String: Any]])
        let named = pinned.filter { survivors.contains($0["address"] as? String ?? "") }
        #expect(survivors.count > 50)
        #expect(Double(named.count) >= 0.9 * Double(survivors.count), "\(named.count) of \(survivors.count) survivors named")

        let (census, document) = try memlensJSON(["census", String(target.pid), "--json"])
        #expect(census.status == 0, "\(census.stderr)")
        let summary = try #require(document["arenas"] as? [String: Any], "no arena summary: \(document["notes"] ?? "")")
        #expect(summary["count"] as? Int == truth.arenas)
    }

    /// GIVEN the example on a Python without symbols, WHEN `frag --paths`
    /// then `frag --trim` run (both through the agent), THEN the survivors are
    /// held by the target's list of survivors and malloc_trim(0) is called and measured.
    @Test(arguments: pythons)
    func pathsAndTrimWithoutSymbols(python: PythonInterpreter) throws {
        let target = try FragTarget(python, scale: 0.05, keepEvery: 1000)
        let (result, json) = try memlensJSON(["frag", String(target.pid), "--json", "--paths"])
        #expect(result.status == 0, "\(result.stderr)")
        let held = try #require((json["held_by"] as? [String: Any])?["holders"] as? [[String: Any]], "\(result.stderr)")
        let holder = "0x" + (target.ask("holder").split(separator: " ").last.map(String.init) ?? "?")
        #expect(held.first?["holder"] as? String == holder, "\(held.prefix(2))")
        let (trimmed, after) = try memlensJSON(["frag", String(target.pid), "--json", "--trim"])
        #expect(trimmed.status == 0, "\(trimmed.stderr)")
        let trim = try #require(after["trim"] as? [String: Any])
        #expect(trim["called"] as? Bool == true)
        #expect(trim["returned"] as? Double != nil)
        #expect(target.rss() > 0)  // still answering
    }

    /// GIVEN a stripped copy of 3.8–3.11 running the example, WHEN its table is
    /// searched for, THEN it is the table the unstripped library's symbols name
    /// (same `arenas` and `maxarenas` values, same arenas, same pinned arenas).
    @Test(arguments: pythons.filter { $0.isStrippedCopy && searched($0) })
    func searchFindsWhatSymbolsName(python: PythonInterpreter) throws {
        let target = try FragTarget(python, scale: 0.1, keepEvery: 1000)
        let process = try PythonProcess(pid: target.pid)
        let analysis = try FragAnalysis.measure(process)
        #expect(analysis.tableOrigin == .search)

        let original = try #require(python.unstripped)
        let symbols = try ELFSymbols(path: original.sharedLibrary)
        let arenas = try #require(symbols.address(of: "arenas")), maxArenas = try #require(symbols.address(of: "maxarenas"))
        let layout = try #require(ObmallocLayout.forVersion(major: 3, minor: process.version.minor))
        // Stopped: the search again, and the table as the symbols name it.
        struct Seen { var found: ArenaWalk.TableAddresses; var values: [UInt64]; var map: ArenaMap }
        let walk = ArenaWalk(layout: layout, memory: process.memory)
        let named = ArenaWalk.TableAddresses(arenasPointer: arenas &+ process.loadBias, maxArenas: maxArenas &+ process.loadBias,
            currentCount: nil)
        let (stopped, _) = try ThreadStopper.whileStopped(pid: target.pid) { () throws(ProcessAccessError) -> Result<Seen, any Error> in
            Result {
                let found = try walk.locateTable(image: process.image, readable: Self.readable(target.pid))
                let memory = process.memory
                let values = [try memory.pointer(at: found.arenasPointer), try memory.pointer(at: named.arenasPointer),
                              UInt64(try memory.load(UInt32.self, at: found.maxArenas)), UInt64(try memory.load(UInt32.self,
                                  at: named.maxArenas))]
                return Seen(found: found, values: values, map: try walk.read(named))
            }
        }
        let seen = try stopped.get()
        #expect(seen.found.origin == .search)
        #expect(seen.values[0] == seen.values[1], "arenas")
        #expect(seen.values[2] == seen.values[3], "maxarenas")
        let map = seen.map
        #expect(analysis.arenas.arenas.map { $0.address } == map.arenas.map { $0.address })
        let pinned = Pinning(map: map, objects: [], residency: nil, threshold: 0.1).arenas.map { map.arenas[$0].address }
        #expect(analysis.pinning.arenas.map { analysis.arenas.arenas[$0].address } == pinned)
        #expect(pinned.count > 50, "\(pinned.count) pinned arenas on \(python)")
    }

    /// GIVEN the example (same hash seed) on a stripped copy of 3.8–3.11 and on
    /// the interpreter it was copied from, WHEN `frag --json` reads each, THEN
    /// they pin the same number of arenas with the same number of blocks.
    @Test(arguments: pythons.filter { $0.isStrippedCopy && searched($0) })
    func samePinnedArenasAsUnstripped(python: PythonInterpreter) throws {
        var reports: [[String: Any]] = []
        for interpreter in [try #require(python.unstripped), python] {
            let target = try FragTarget(interpreter, scale: 0.1, keepEvery: 1000, environment: ["PYTHONHASHSEED": "0"])
            let (result, json) = try memlensJSON(["frag", String(target.pid), "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            reports.append(json)
        }
        #expect((reports[0]["arenas"] as? [String: Any])?["found_by"] as? String == "symbols")
        #expect((reports[1]["arenas"] as? [String: Any])?["found_by"] as? String == "search")
        let pinned = reports.map { $0["pinned_arenas"] as? Int ?? -1 }
        #expect(pinned[0] == pinned[1] && pinned[0] > 50, "pinned arenas: unstripped \(pinned[0]), stripped \(pinned[1])")
        let blocks = reports.map { ($0["pinned_objects"] as? [Any])?.count ?? -1 }
        #expect(blocks[0] == blocks[1], "pinned blocks: unstripped \(blocks[0]), stripped \(blocks[1])")
    }

    /// GIVEN a stripped 3.11 whose separate debug symbols are installed (by
    /// build-id, as `objcopy --only-keep-debug` makes them), WHEN located,
    /// THEN `arenas` comes from them and no search is made.
    @Test(.enabled(if: pythons.contains { $0.isStrippedCopy && $0.minor == "3.11" }))
    func separateDebugSymbolsComeFirst() throws {
        let python = try #require(Self.pythons.first { $0.isStrippedCopy && $0.minor == "3.11" })
        let original = try #require(python.unstripped)
        let target = try FragTarget(python, scale: 0.02, keepEvery: 1000)
        let stripped = try PythonProcess(pid: target.pid)
        let id = try #require(DebugSymbolFile.buildID(of: stripped.symbols.file)).map { String(format: "%02x", $0) }
        let root = try TestPaths.temporaryFolder("debug-root")
        let folder = root.appending(path: ".build-id/\(id[0])")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let debugFile = folder.appending(path: id.dropFirst().joined() + ".debug").path
        let objcopy = try runCommand(["/usr/bin/objcopy", "--only-keep-debug", original.sharedLibrary, debugFile])
        try #require(objcopy.status == 0, "\(objcopy.stderr)")

        #expect(stripped.address(of: "arenas") == nil)
        let withDebug = try PythonProcess(pid: target.pid, debugRoots: [root.path])
        #expect(withDebug.symbols.debugFile == debugFile)
        let expected = try #require(try ELFSymbols(path: original.sharedLibrary).address(of: "arenas"))
        #expect(withDebug.address(of: "arenas") == expected &+ withDebug.loadBias)
        let analysis = try FragAnalysis.measure(withDebug)
        #expect(analysis.tableOrigin == .symbols)
        #expect(analysis.arenas.arenas.map(\.address) == (try FragAnalysis.measure(stripped)).arenas.arenas.map(\.address))
    }

    static func readable(_ pid: Int32) -> [Range<UInt64>] {
        let maps = (try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)) ?? ""
        return maps.split(separator: "\n").compactMap { line in
            let bounds = line.split(separator: " ").first?.split(separator: "-").compactMap { UInt64($0, radix: 16) } ?? []
            return bounds.count == 2 && bounds[1] > bounds[0] ? bounds[0]..<bounds[1] : nil
        }
    }
}
