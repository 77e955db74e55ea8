// Writes a synthetic heap snapshot (.mlh) for benchmarks: N objects and
// E edges shaped like a Python heap — a spanning tree whose parents are
// mostly recent objects (allocation locality), extra random references,
// 100 named module roots, 30 types, addresses in a scattered order.
//
// Usage: GenerateHeap OUTPUT [OBJECTS] [EDGES]
import Foundation
import HeapGraph

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: GenerateHeap OUTPUT [OBJECTS] [EDGES]\n".utf8))
    exit(64)
}
let n = arguments.count > 2 ? Int(arguments[2]) ?? 10_000_000 : 10_000_000
let e = arguments.count > 3 ? Int(arguments[3]) ?? 3 * n : 3 * n

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
var random = SplitMix(state: 42)

// Each object i > 0 hangs off a parent among the 1,000 before it; the rest of
// the edges point anywhere.
var outDegree = [UInt32](repeating: 0, count: n)
var parentOf = [UInt32](repeating: 0, count: n)
for i in 1..<n {
    let parent = UInt32(Int.random(in: max(0, i - 1000)..<i, using: &random))
    parentOf[i] = parent
    outDegree[Int(parent)] += 1
}
let extra = max(0, e - (n - 1))
var extraSources = (0..<extra).map { _ in UInt32.random(in: 0..<UInt32(n), using: &random) }
for s in extraSources { outDegree[Int(s)] += 1 }
var starts = [UInt32](repeating: 0, count: n + 1)
for i in 0..<n { starts[i + 1] = starts[i] + outDegree[i] }
var fill = Array(starts.dropLast())
var targets = [UInt32](repeating: 0, count: Int(starts[n]))
for i in 1..<n {
    let p = Int(parentOf[i])
    targets[Int(fill[p])] = UInt32(i)
    fill[p] += 1
}
for s in extraSources {
    targets[Int(fill[Int(s)])] = UInt32.random(in: 0..<UInt32(n), using: &random)
    fill[Int(s)] += 1
}
extraSources = []
parentOf = []
let multiplier: UInt64 = 7919  // coprime with 10^k: scatters addresses
let addresses = (0..<UInt64(n)).map { 0x7F00_0000_0000 + (($0 &* multiplier) % UInt64(n)) &* 48 }
let typeNames = (0..<30).map { "bench.Type\($0)" }
let typeIDs = (0..<n).map { _ in UInt32.random(in: 0..<30, using: &random) }
let sizes = (0..<n).map { _ in UInt64.random(in: 16...512, using: &random) }
let roots = (0..<100).map { Root(object: UInt32($0 * (n / 100)), kind: "module", name: "module\($0)") }
var metadata = SnapshotMetadata()
metadata.python = "synthetic"
let graph = HeapGraph(addresses: addresses, typeIDs: typeIDs, typeNames: typeNames, sizes: sizes,
                      edgeStarts: starts, edgeTargets: targets, roots: roots, metadata: metadata)
do {
    try MLHWriter.write(graph, to: arguments[1])
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
print("wrote \(n) objects, \(targets.count) edges to \(arguments[1])")
