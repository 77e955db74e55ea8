import Foundation
import SafeFiles
import SystemPackage

/// Writes a `.mlh` snapshot (format 2) as its objects arrive, the layout the
/// Python agent streams: chunks of up to 8,192 objects that agree on their
/// flags, each column at the smallest width that holds its largest value, a
/// TYPES section before the chunk that first uses a type, names and roots at
/// the end. Holds one chunk and about a megabyte of output, whatever the
/// heap's size. The file is written under a temporary name beside `path`
/// (mode 0600) and renamed into place by ``commit()``; a writer dropped
/// uncommitted leaves no file.
///
///     var writer = try MLHWriter(path: "app.mlh", metadata: metadata)
///     let list = writer.typeID(named: "list", typeObject: listType)
///     writer.addObject(address: a, typeID: list, size: 72, refcount: 1, flags: .gcTracked)
///     writer.addReferent(b)
///     writer.closeObject()
///     try writer.commit()
public struct MLHWriter: GraphSink {
    static let chunkObjects = 8192

    /// The header: written before the first section, so it may change until then.
    public var metadata: SnapshotMetadata
    /// Objects and referents written so far.
    public private(set) var objectCount = 0, edgeCount = 0
    let output: AtomicOutput
    var out: OutputBuffer
    var crc = CRC32()
    var headerWritten = false
    /// The first write error: the walk feeding the writer goes on, ``commit()`` throws it.
    var failure: SnapshotError?
    private var typeIDsByName: [String: UInt32] = [:]
    private var typeCount = 0
    /// Types added and not written yet: a TYPES section precedes the next chunk.
    var newTypes: [UInt8] = []
    var newTypeCount = 0
    var chunk = Chunk()
    private var closures: [(UInt64, [String])] = [], attributes: [(UInt64, [String])] = [], locals: [(UInt64, [String])] = []
    private var roots: [(address: UInt64, kind: String, name: String)] = []
    /// Type objects named before any object of their type (``nameTypeObject(address:name:)``).
    private var typeObjects: [(name: String, address: UInt64)] = []

    /// Starts writing `path` (mode 0600, through a temporary name beside it).
    public init(path: String, metadata: SnapshotMetadata) throws(SnapshotError) {
        // Named by the file asked for, not the folder on the way that refused it (as before the one writer).
        do { self.init(output: try AtomicOutput(path: path), metadata: metadata) } catch {
            throw SnapshotError(path: path, offset: nil, reason: error.reason)
        }
    }

    private init(output: AtomicOutput, metadata: SnapshotMetadata) {
        self.output = output
        out = OutputBuffer(descriptor: output.descriptor, path: output.path)
        self.metadata = metadata
    }

    /// The same file emptied, with nothing added: the walk starts over on a new copy.
    public func restarted() -> MLHWriter {
        var fresh = MLHWriter(output: output, metadata: metadata)
        do {
            try output.descriptor.resize(to: 0)
            _ = try output.descriptor.seek(offset: 0, from: .start)
        } catch {
            fresh.failure = SnapshotError(path: output.path, offset: nil, reason: "cannot empty the file to start over: \(error)")
        }
        return fresh
    }

    /// Writes `graph` to `path` through a temporary file renamed into place, mode 0600.
    public static func write(_ graph: HeapGraph, to path: String) throws(SnapshotError) {
        var writer = try MLHWriter(path: path, metadata: graph.metadata)
        let typeObjects = Dictionary(graph.typeObjectNames.map { ($1, graph.addresses[Int($0)]) }, uniquingKeysWith: { a, _ in a })
        // Every name in order, repeated ones too, so that the graph's type ids stay the file's.
        for name in graph.typeNames { writer.declareType(name, typeObject: typeObjects[name] ?? 0) }
        for i in 0..<graph.count {
            writer.addObject(address: graph.addresses[i], typeID: graph.typeIDs[i], size: graph.sizes[i], refcount: graph.refcounts[i],
                             flags: graph.flags[i])
            for target in graph.referents(of: i) { writer.addReferent(graph.addresses[Int(target)]) }
            writer.closeObject()
            _ = graph.values.withRecord(of: i) { kind, length, stored in
                if kind == .text || kind == .bytes { writer.setData(kind, stored, length: length) } else {
                    writer.setNumber(kind, bits: stored.loadUnaligned(as: UInt64.self).littleEndian)
                }
            }
        }
        for (object, names) in graph.closureNames { writer.addClosure(address: graph.addresses[Int(object)], names: names) }
        for (object, names) in graph.attributeNames { writer.addAttributeNames(address: graph.addresses[Int(object)], names: names) }
        for (object, names) in graph.localNames { writer.addLocalNames(address: graph.addresses[Int(object)], names: names) }
        for root in graph.roots { writer.addRoot(address: graph.addresses[Int(root.object)], kind: root.kind, name: root.name) }
        try writer.commit()
    }

    public mutating func typeID(named name: String, typeObject: UInt64) -> UInt32 {
        if let id = typeIDsByName[name] { return id }
        return declareType(name, typeObject: typeObject)
    }

    /// Adds a type record (even for a name seen before) and returns its id.
    @discardableResult
    private mutating func declareType(_ name: String, typeObject: UInt64) -> UInt32 {
        let id = UInt32(typeCount)
        typeCount += 1
        typeIDsByName[name] = typeIDsByName[name] ?? id
        let utf8 = Array(name.utf8.prefix(0xFFFF))
        newTypes += [UInt8(utf8.count & 0xFF), UInt8(utf8.count >> 8)] + utf8 + Self.le64(typeObject)
        newTypeCount += 1
        return id
    }

    /// A type object whose name no object's type has by the end gets a type record of its own then
    /// (last, so that the ids the chunks use stay small and their type columns narrow).
    public mutating func nameTypeObject(address: UInt64, name: String) {
        if typeIDsByName[name] == nil { typeObjects.append((name, address)) }
    }

    @discardableResult
    public mutating func addObject(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: ObjectFlags) -> Int {
        if chunk.count == Self.chunkObjects || (chunk.count > 0 && flags != chunk.flags) { writeChunk() }
        chunk.add(address: address, typeID: typeID, size: size, refcount: refcount, flags: flags)
        objectCount += 1
        return objectCount - 1
    }

    public mutating func addReferent(_ address: UInt64) { chunk.edges.append(address) }

    public mutating func closeObject() {
        let count = chunk.edges.count - chunk.openedAtEdge
        chunk.referentCounts.append(UInt64(count))
        edgeCount += count
    }

    package mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int) {
        chunk.addValue(kind, data, length: length, heads: kind == .text ? Self.characters(inUTF8: data) : data.count)
    }

    package mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64) {
        withUnsafeBytes(of: bits.littleEndian) { chunk.addValue(kind, $0, length: 0, heads: 8) }
    }

    public mutating func addClosure(address: UInt64, names: [String]) { closures.append((address, names)) }
    public mutating func addAttributeNames(address: UInt64, names: [String]) { attributes.append((address, names)) }
    public mutating func addLocalNames(address: UInt64, names: [String]) { locals.append((address, names)) }
    public mutating func addRoot(address: UInt64, kind: String, name: String) { roots.append((address, kind, name)) }

    /// Writes what is left, the END section (counts and checksum), flushes the
    /// file to disk and renames it into place; the first write error if any.
    public consuming func commit() throws(SnapshotError) {
        writeChunk()
        for (name, address) in typeObjects where typeIDsByName[name] == nil { declareType(name, typeObject: address) }
        writeNewTypes()
        for (kind, records) in [(SnapshotFile.Section.closures, closures), (.attributes, attributes), (.locals, locals)]
        where !records.isEmpty {
            let json = records.map { "[\($0.0), \(Self.jsonArray($0.1))]" }
            section(kind, Array("[\(json.joined(separator: ", "))]".utf8))
        }
        let rootRecords = roots.map {
            "{\"address\": \($0.address), \"kind\": \(Self.jsonString($0.kind)), \"name\": \(Self.jsonString($0.name))}"
        }
        section(.roots, Array("[\(rootRecords.joined(separator: ", "))]".utf8))
        let end = Self.le64(UInt64(objectCount)) + Self.le64(UInt64(edgeCount)) + Self.le32(Int(crc.value))
        out.append(bytes: [SnapshotFile.Section.end.rawValue] + Self.le32(end.count) + end)
        if let failure {
            output.abandon()
            throw failure
        }
        do { try out.flush() } catch {
            output.abandon()
            throw SnapshotError(error)
        }
        do { try output.commit() } catch { throw SnapshotError(path: output.path, offset: nil, reason: error.reason) }
    }
}
