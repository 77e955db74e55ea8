import Foundation
import HeapGraph
@testable import PythonProcess
import Testing
import TestSupport

/// The read-only walk over a copy whose bytes are wrong (a torn copy, a
/// corrupt core): it ends every time with a graph or one error, never a trap or an endless walk.
@Suite("Fuzzing the copy the walks read", .serialized)
struct CorruptCopyTests {
    /// xorshift64*: the same corruption on every run.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    @Test("Ever more random words overwritten: each walk returns a graph or throws, the census too",
          .enabled(if: PythonInterpreter.has("3.11") || PythonInterpreter.has("3.12")), .timeLimit(.minutes(5)))
    func corruptedCopies() throws {
        let python = try #require(PythonInterpreter.named("3.12") ?? PythonInterpreter.named("3.11"))
        // GIVEN the LeakedThing heap, copied once
        let target = try leakedThingTarget(python)
        defer { target.finish() }
        let pid = target.pid
        let outcomes = try StoppedCopy.live(python: PythonProcess(pid: pid), maxAttempts: 5,
            progress: { _ in }) { (copy, state, image, _) throws(ProcessAccessError) in
            let clean = try walkIntoGraph(copy, state: state, image: image, pid: pid)
            var generator = SeededGenerator(state: 0x9E37_79B9_7F4A_7C15)
            var graphs = 0, errors: [String] = []
            // WHEN 1, 2, 4 … 32,768 more words are overwritten before each walk
            for round in 0..<16 {
                copy.corrupt(words: 1 << round, using: &generator)
                do {
                    let snapshot = try walkIntoGraph(copy, state: state, image: image, pid: pid)
                    #expect(snapshot.objectCount > 0)
                    graphs += 1
                } catch {
                    errors.append("\(error)")
                }
                _ = try? HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: state.layout),
                    gcState: state.gcState).censusTotals()
            }
            // AND, from a clean copy again, the fields of collected objects overwritten
            // (their type, sizes, pointers), leaving the collector's lists whole
            let fresh = try StoppedCopy.live(python: PythonProcess(pid: pid), maxAttempts: 5,
                progress: { _ in }) { (copy, state, image, _) throws(ProcessAccessError) in
                var objects: [UInt64] = []
                _ = try HeapWalk(copy: copy, reader: ObjectReader(memory: copy, layout: state.layout), gcState: state.gcState)
                    .walkGenerations { (object, _, _) throws(ProcessAccessError) in objects.append(object) }
                var inside = 0, insideErrors = 0
                for round in 0..<12 {
                    for _ in 0..<(1 << round) {
                        let object = objects[Int(generator.next() % UInt64(objects.count))]
                        let value = generator.next() % 3 == 0 ? objects[Int(generator.next() % UInt64(objects.count))] : generator.next()
                        copy.overwrite(value, at: object &+ 8 &* (1 &+ generator.next() % 7))
                    }
                    do {
                        _ = try walkIntoGraph(copy, state: state, image: image, pid: pid)
                        inside += 1
                    } catch {
                        insideErrors += 1
                        #expect(!"\(error)".contains("\n"))
                    }
                }
                return inside + insideErrors
            }.value
            #expect(fresh == 12)
            return (clean: clean.objectCount, graphs: graphs, errors: errors)
        }.value
        // THEN every walk ended, and the errors are one line each, naming an address or what broke
        print("clean walk: \(outcomes.clean) objects; corrupted: \(outcomes.graphs) graphs, \(outcomes.errors.count) errors: " +
            "\(outcomes.errors.prefix(3))")
        #expect(outcomes.clean > 60_000)
        #expect(outcomes.graphs + outcomes.errors.count == 16)
        for error in outcomes.errors { #expect(!error.isEmpty && !error.contains("\n")) }
        #expect(target.isRunningFreely)
    }

    /// The read-only walk of `copy` into a graph in memory.
    func walkIntoGraph(_ copy: HeapCopy, state: InterpreterState, image: PythonImage,
                       pid: Int32) throws(ProcessAccessError) -> ReadOnlySnapshot {
        var builder = HeapGraphBuilder(metadata: SnapshotMetadata())
        let snapshot = try ReadOnlySnapshot.walk(copy, state: state, image: image, pid: pid, values: true, into: &builder)
        #expect(builder.finish().count == snapshot.objectCount)
        return snapshot
    }
}
