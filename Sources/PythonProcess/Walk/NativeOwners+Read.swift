import Foundation
public import Fragmentation
import HeapGraph
import ProcessModels

extension NativeOwners {
    /// Stops `python` only while its memory is copied, then walks the copy.
    public static func read(_ python: PythonProcess) throws(ProcessAccessError) -> NativeOwners {
        let read = try StoppedCopy.live(python: python, maxAttempts: 5, progress: { _ in }) {
            (copy, state, image, _) throws(ProcessAccessError) -> NativeOwners in
            var sink = OwnerSink(reader: ObjectReader(memory: copy, layout: state.layout))
            _ = try ReadOnlySnapshot.walk(copy, state: state, image: image, pid: python.pid, values: false, into: &sink)
            var owners = NativeOwners(typeNames: sink.typeNames, claims: sink.claims)
            (owners.objectCount, owners.objectBytes) = (sink.objectCount, sink.objectBytes)
            for i in owners.claims.indices { owners.claims[i].mmappedRegion = mmappedRegion(around: owners.claims[i].address, copy) }
            return owners
        }
        var owners = read.value
        owners.pauseMilliseconds = read.pauseMilliseconds
        return owners
    }

    /// The mapping of the glibc mmapped chunk (``MmappedChunk``) whose user part starts at `address`,
    /// or one or two 16-byte headers before it (a GC header, a bytes object's head).
    static func mmappedRegion(around address: UInt64, _ copy: HeapCopy) -> Range<UInt64>? {
        for back: UInt64 in [16, 32, 48] {
            guard address >= back, let prevSize = copy.word(at: address - back), let field = copy.word(at: address - back + 8),
                  let span = MmappedChunk.span(prevSize: prevSize, field: field) else { continue }
            let header = address - back
            guard header >= prevSize, (header - prevSize) % 4096 == 0, header <= UInt64.max - span else { continue }
            return (header - prevSize)..<(header + span)
        }
        return nil
    }
}

/// The walk's sink for ``NativeOwners``: no graph, only the claims.
struct OwnerSink: GraphSink {
    let reader: ObjectReader
    var metadata = SnapshotMetadata()
    var typeNames: [String] = []
    var sizings: [TypeSizing?] = []
    var claims: [NativeOwners.Claim] = []
    var objectCount = 0
    var objectBytes: UInt64 = 0
    private var scratch: [UInt64] = []

    /// pymalloc's largest block: bigger objects are malloc's.
    static let smallRequestBytes: UInt64 = 512

    init(reader: ObjectReader) { self.reader = reader }

    mutating func typeID(named name: String, typeObject: UInt64) -> UInt32 {
        typeNames.append(name)
        sizings.append(try? TypeSizing(type: typeObject, reader: reader))
        return UInt32(typeNames.count - 1)
    }

    @discardableResult
    mutating func addObject(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: ObjectFlags) -> Int {
        objectCount += 1
        objectBytes = objectBytes.addingSaturated(size)
        if size > Self.smallRequestBytes { claims.append(NativeOwners.Claim(address: address, type: typeID)) }
        guard Int(typeID) < sizings.count, let sizing = sizings[Int(typeID)] else { return -1 }
        scratch.removeAll(keepingCapacity: true)
        try? sizing.appendBuffers(of: address, reader: reader, into: &scratch)
        for pointer in scratch { claims.append(NativeOwners.Claim(address: pointer, type: typeID)) }
        return -1
    }

    mutating func addReferent(_ address: UInt64) {}
    mutating func closeObject() {}
    mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int) {}
    mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64) {}
    mutating func nameTypeObject(address: UInt64, name: String) {}
    mutating func addClosure(address: UInt64, names: [String]) {}
    mutating func addAttributeNames(address: UInt64, names: [String]) {}
    mutating func addLocalNames(address: UInt64, names: [String]) {}
    mutating func addRoot(address: UInt64, kind: String, name: String) {}
    func restarted() -> OwnerSink { OwnerSink(reader: reader) }
}
