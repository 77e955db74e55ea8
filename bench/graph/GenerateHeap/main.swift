// Writes a synthetic heap snapshot (.mlh) for benchmarks: N objects and
// E edges — a spanning tree whose parents are mostly recent objects
// (allocation locality), then the remaining edges by MODEL:
//   python (default): half to 1,000 hot shared objects with a Zipf-like skew
//     (types, interned strings, small ints, None), half to objects allocated
//     within 10,000 of the source (a container and its contents);
//   random: to objects chosen uniformly (a worst case for caches).
// 100 named module roots, 30 types, addresses in a scattered order.
//
// Usage: GenerateHeap OUTPUT [OBJECTS] [EDGES] [python|random]
import Foundation
import HeapGraph

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: GenerateHeap OUTPUT [OBJECTS] [EDGES]\n".utf8))
    exit(64)
}
let n = arguments.count > 2 ? Int(arguments[2]) ?? 10_000_000 : 10_000_000
let e = arguments.count > 3 ? Int(arguments[3]) ?? 3 * n : 3 * n
let uniform = arguments.count > 4 && arguments[4] == "random"

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
    let target: Int
    if uniform {
        target = Int.random(in: 0..<n, using: &random)
    } else if Bool.random(using: &random) {
        // Zipf-like: the k-th hot object is chosen with probability ∝ 1/k.
        let u = Double.random(in: 0..<1, using: &random)
        target = min(n - 1, Int(pow(1001.0, u)) - 1)
    } else {
        target = min(n - 1, max(0, Int(s) + Int.random(in: -10_000...10_000, using: &random)))
    }
    targets[Int(fill[Int(s)])] = UInt32(target)
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
