import Foundation
import HeapGraph
import Testing
import ProcessModels
@testable import PythonProcess

/// Inputs the fuzz targets (bench/fuzz: census, core) found trapping, reduced
/// to the bytes that matter: each must now be an error or a plain answer.
@Suite struct CensusFuzzFindingsTests {
    static let layout = PythonLayout.forVersion(PythonVersion(major: 3, minor: 11, micro: nil))!

    static func word(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    /// A type's dict whose keys object says it holds -1 entries (`dk_nentries`
    /// read from a corrupt heap): the `__module__` lookup finds nothing.
    @Test func negativeDictEntryCount() throws {
        let dict: UInt64 = 0x1000, keys: UInt64 = 0x2000
        var keysBytes = [UInt8](repeating: 0, count: 64)
        keysBytes.replaceSubrange(Int(Self.layout.dictKeysEntries)..<Int(Self.layout.dictKeysEntries) + 8, with: Self.word(UInt64.max))
        let copy = HeapCopy(regions: [(dict, [UInt8](repeating: 0, count: 32) + Self.word(keys)), (keys, keysBytes)])
        let reader = ObjectReader(memory: copy, layout: Self.layout)
        #expect(try reader.lookup("__module__", inDict: dict) == nil)
    }

    /// A copied region ending at the top of the address space: a word that
    /// straddles its end is missing, not an overflow.
    @Test func wordAtTheTopOfTheAddressSpace() {
        let copy = HeapCopy(regions: [(UInt64.max - 8, [UInt8](repeating: 7, count: 8))])
        #expect(copy.word(at: UInt64.max - 4) == nil)
        #expect(copy.word(at: UInt64.max - 8) == 0x0707_0707_0707_0707)
        #expect(!copy.contains(UInt64.max - 4, count: 8))
        #expect(throws: ProcessAccessError.self) { try copy.pointer(at: UInt64.max - 4) }
    }

    /// Generation 0 holds two objects of a static type whose `tp_basicsize`
    /// is 2^63: their sizes summed overflowed. As an `ssize_t` that is negative:
    /// the type is corrupt, its objects counted with size 0 (issue 23).
    @Test func hugeObjectSizesDoNotTrap() throws {
        let layout = Self.layout
        let gc: UInt64 = 0x1000, type: UInt64 = 0x1400, name: UInt64 = 0x1600, first: UInt64 = 0x2000, second: UInt64 = 0x2040
        var state = [UInt8](repeating: 0, count: 0x700)
        func put(_ address: UInt64, _ value: UInt64, in bytes: inout [UInt8], base: UInt64) {
            bytes.replaceSubrange(Int(address - base)..<Int(address - base) + 8, with: Self.word(value))
        }
        let heads = (0..<3).map { gc + layout.gcGenerations + UInt64($0) * layout.gcGenerationSize } + [gc + layout.gcPermanentGeneration]
        for head in heads { put(head, head, in: &state, base: gc); put(head + 8, head, in: &state, base: gc) }
        put(heads[0], first, in: &state, base: gc)
        put(heads[0] + 8, second, in: &state, base: gc)
        put(type + layout.typeName, name, in: &state, base: gc)
        put(type + layout.typeBasicSize, 1 << 63, in: &state, base: gc)
        state.replaceSubrange(Int(name - gc)..<Int(name - gc) + 2, with: [0x78, 0])
        var objects = [UInt8](repeating: 0, count: 0x80)
        put(first, second, in: &objects, base: first)
        put(first + 8, heads[0], in: &objects, base: first)
        put(second, heads[0], in: &objects, base: first)
        put(second + 8, first, in: &objects, base: first)
        put(first + layout.gcHeadSize + 8, type, in: &objects, base: first)
        put(second + layout.gcHeadSize + 8, type, in: &objects, base: first)
        let copy = HeapCopy(regions: [(gc, state), (first, objects)])
        let totals = try HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: layout), gcState: gc).censusTotals()
        #expect(totals.types.map(\.count) == [2])
        #expect(totals.types.map(\.size) == [0])
        #expect(totals.corruptTypes.map(\.objects) == [2])
        #expect(totals.generations.first?.objects == 2)
    }

    /// Sizes that do fit one object but not their sum, or not `× item size`:
    /// each saturates at 2^64 − 1 instead of wrapping to a small number.
    @Test func varSizeSaturates() {
        #expect(TypeSizing.varSize(basic: 24, count: 1 << 58, item: 8) == 24 + (1 << 61))
        #expect(TypeSizing.varSize(basic: 24, count: 1 << 62, item: 8) == .max)
        #expect(TypeSizing.varSize(basic: .max - 1, count: 1, item: 8) == .max)
        #expect(TypeSizing.varSize(basic: 24, count: -5, item: 8) == 24)
    }

    /// The walk target's finding (bench/fuzz walk, a 12 s timeout): a thread list
    /// that points back at itself, whose thread's frame chain does too, made the
    /// read-only snapshot's roots take 4096 threads × 10,000 frames. A thread or
    /// frame seen before now ends its chain: one thread, one frame.
    @Test func cyclicThreadsAndFrames() throws {
        let layout = try #require(PythonLayout.forVersion(PythonVersion(major: 3, minor: 10, micro: nil)))
        let graph = try #require(GraphLayout.forVersion(PythonVersion(major: 3, minor: 10, micro: nil)))
        let interpreter: UInt64 = 0x1000, thread: UInt64 = 0x2000, frame: UInt64 = 0x3000
        var interpreterBytes = [UInt8](repeating: 0, count: 1024), threadBytes = [UInt8](repeating: 0, count: 256)
        var frameBytes = [UInt8](repeating: 0, count: 64)
        func put(_ value: UInt64, at offset: UInt64, in bytes: inout [UInt8]) {
            bytes.replaceSubrange(Int(offset)..<Int(offset) + 8, with: Self.word(value))
        }
        put(thread, at: layout.interpreterThreadsHead, in: &interpreterBytes)
        put(frame, at: graph.threadFrame, in: &threadBytes)
        put(thread, at: layout.threadStateNext, in: &threadBytes)
        put(frame, at: graph.frameBack, in: &frameBytes)
        let copy = HeapCopy(regions: [(interpreter, interpreterBytes), (thread, threadBytes), (frame, frameBytes)])
        let heap = HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: layout), gcState: 0)
        let walker = GraphWalk(walk: heap, graph: graph, runtime: 0, interpreter: interpreter, values: false,
                               sink: HeapGraphBuilder(metadata: SnapshotMetadata()))
        let start = Date()
        #expect(try walker.collectRoots().isEmpty)
        #expect(Date().timeIntervalSince(start) < 1, "the cycles were walked to their bounds")
    }

    /// An object array (numpy.ndarray, descriptor type 17) of `count` elements with stride 0 over one element word:
    /// a broadcast view. 2^20 of them (8 MiB of referents from a 4 KiB copy, 2^28 allowed) made one forged array
    /// cost gigabytes; an array now yields at most as many elements as the copy holds words.
    @Test func broadcastObjectArrayBoundedByTheCopy() throws {
        let version = PythonVersion(major: 3, minor: 11, micro: nil)
        let graph = try #require(GraphLayout.forVersion(version))
        func referents(count: UInt64) throws -> [UInt64] {
            let array: UInt64 = 0x1000, shape: UInt64 = 0x1100, descr: UInt64 = 0x1200, data: UInt64 = 0x1300
            var bytes = [UInt8](repeating: 0, count: 0x1000)
            func put(_ value: UInt64, at address: UInt64) {
                bytes.replaceSubrange(Int(address - array)..<Int(address - array) + 8, with: Self.word(value))
            }
            put(data, at: array + NumpyLayout.arrayData)
            put(1, at: array + NumpyLayout.arrayDimensionCount)
            put(shape, at: array + NumpyLayout.arrayDimensions)
            put(shape + 8, at: array + NumpyLayout.arrayStrides)  // stride 0
            put(descr, at: array + NumpyLayout.arrayDescr)
            put(count, at: shape)
            put(UInt64(NumpyLayout.objectTypeNumber), at: descr + NumpyLayout.descrTypeNumber)
            put(0x5000, at: data)
            let copy = HeapCopy(regions: [(array, bytes)])
            let heap = HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: Self.layout), gcState: 0)
            let walker = GraphWalk(walk: heap, graph: graph, runtime: 0, interpreter: 0, values: false,
                                   sink: HeapGraphBuilder(metadata: SnapshotMetadata()))
            var out: [UInt64] = []
            try walker.appendArray(array, into: &out)
            return out
        }
        #expect(try referents(count: 4) == [0x5000, 0x5000, 0x5000, 0x5000, 0x1200], "a small broadcast is read as numpy lists it")
        #expect(throws: ProcessAccessError.self) { _ = try referents(count: 1 << 20) }
    }

    /// A 3.11 copy of one 8 KiB region at 0x1000 holding a static type named `name` (flags `flags`) at 0x1000
    /// and `words` (address, value), with a reader and the walk's layout.
    static func forged(name: String, flags: UInt64, words: [(UInt64, UInt64)]) throws -> (HeapCopy, ObjectReader, GraphLayout) {
        let graph = try #require(GraphLayout.forVersion(PythonVersion(major: 3, minor: 11, micro: nil)))
        let type: UInt64 = 0x1000, base: UInt64 = 0x1000
        var bytes = [UInt8](repeating: 0, count: 0x2000)
        func put(_ value: UInt64, at address: UInt64) {
            bytes.replaceSubrange(Int(address - base)..<Int(address - base) + 8, with: Self.word(value))
        }
        put(type + 0x200, at: type + layout.typeName)
        bytes.replaceSubrange(0x200..<0x200 + name.utf8.count, with: Array(name.utf8))
        put(flags, at: type + layout.typeFlags)
        put(64, at: type + layout.typeBasicSize)
        for (address, value) in words { put(value, at: address) }
        let copy = HeapCopy(regions: [(base, bytes)])
        return (copy, ObjectReader(memory: copy, layout: layout), graph)
    }

    /// The referents the read-only walk reads for `object` in ``forged(name:flags:words:)``'s copy.
    static func referents(name: String, flags: UInt64, object: UInt64, words: [(UInt64, UInt64)]) throws -> [UInt64] {
        let (copy, reader, graph) = try forged(name: name, flags: flags, words: words)
        let walker = GraphWalk(walk: HeapWalk(copy: copy, reader: reader, gcState: 0), graph: graph, runtime: 0, interpreter: 0,
                               values: false, sink: HeapGraphBuilder(metadata: SnapshotMetadata()))
        var pool: [UInt64] = []
        let traversal = try Traversal(type: 0x1000, reader: reader, graph: graph, subtypeTraverse: 0, pool: &pool)
        var out: [UInt64] = []
        _ = try walker.referents(of: object, type: 0x1000, traversal, into: &out)
        return out
    }

    /// A deque of `count` items whose one block links to itself: 2^20 items (8 MiB of referents from an 8 KiB
    /// copy, 2^28 allowed) were read round the loop; a deque now claims at most as many items as the copy holds words.
    @Test func dequeLoopBoundedByTheCopy() throws {
        let deque: UInt64 = 0x1800, block: UInt64 = 0x1c00
        func items(_ count: UInt64) throws -> [UInt64] {
            try Self.referents(name: "collections.deque", flags: ObjectReader.haveGC, object: deque,
                               words: [(deque + 16, count), (deque + 24, block), (block + 8, 0x5000), (block + 520, block)])
        }
        #expect(try items(65) == [0x5000, 0x5000])
        #expect(throws: ProcessAccessError.self) { _ = try items(1 << 20) }
    }

    /// An OrderedDict claiming 2^26 entries whose first node links to itself: 2^26 keys were read (512 MiB,
    /// seconds) before the loop was refused; the links are now bounded by the nodes the copy can hold.
    @Test func orderedDictLoopBoundedByTheCopy() throws {
        let od: UInt64 = 0x1800, node: UInt64 = 0x1c00
        let start = Date()
        #expect(throws: ProcessAccessError.self) {
            _ = try Self.referents(name: "collections.OrderedDict", flags: ObjectReader.haveGC | ObjectReader.dictSubclass, object: od,
                                   words: [(od + 16, (1 << 26) - 1), (od + 48, node), (node, 0x5000), (node + 16, node)])
        }
        #expect(Date().timeIntervalSince(start) < 1, "the loop was walked to its bound")
    }
}
