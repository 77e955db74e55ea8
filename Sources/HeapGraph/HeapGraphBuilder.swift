/// Accumulates objects and their referent addresses, then resolves the
/// addresses to indices. A second record for an address already seen is
/// dropped with its referents (the agent may emit an object twice).
struct HeapGraphBuilder {
    private(set) var graph: HeapGraph
    private var index: AddressIndex
    private var edgeAddresses: [UInt64] = []
    private var typeIDsByName: [String: UInt32] = [:]
    private(set) var duplicateCount = 0

    init(metadata: SnapshotMetadata, expectedObjects: Int = 1024) {
        graph = HeapGraph(metadata: metadata)
        index = AddressIndex(capacity: expectedObjects)
    }

    /// The id of type `name`, adding it if new.
    mutating func typeID(named name: String) -> UInt32 {
        if let id = typeIDsByName[name] { return id }
        let id = UInt32(graph.typeNames.count)
        graph.typeNames.append(name)
        typeIDsByName[name] = id
        return id
    }

    /// Appends a type whose id the file assigns by position.
    mutating func appendType(_ name: String) {
        graph.typeNames.append(name)
        typeIDsByName[name] = typeIDsByName[name] ?? UInt32(graph.typeNames.count - 1)
    }

    var typeCount: Int { graph.typeNames.count }

    /// Adds an object; returns its index, or nil if its address was already taken.
    mutating func addObject(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: UInt8 = 0) -> Int? {
        let newIndex = graph.addresses.count
        if index.insert(address, index: UInt32(newIndex)) != nil {
            duplicateCount += 1
            return nil
        }
        graph.addresses.append(address)
        graph.typeIDs.append(typeID)
        graph.sizes.append(size)
        graph.refcounts.append(refcount)
        graph.flags.append(ObjectFlags(rawValue: flags))
        return newIndex
    }

    /// Appends the referents of the object added last.
    mutating func closeObject<S: Sequence>(referents: S) where S.Element == UInt64 {
        edgeAddresses.append(contentsOf: referents)
        graph.edgeStarts.append(UInt32(edgeAddresses.count))
    }

    mutating func reserve(objects: Int, edges: Int) {
        graph.addresses.reserveCapacity(graph.addresses.count + objects)
        graph.typeIDs.reserveCapacity(graph.typeIDs.count + objects)
        graph.sizes.reserveCapacity(graph.sizes.count + objects)
        graph.refcounts.reserveCapacity(graph.refcounts.count + objects)
        graph.flags.reserveCapacity(graph.flags.count + objects)
        graph.edgeStarts.reserveCapacity(graph.edgeStarts.count + objects)
        edgeAddresses.reserveCapacity(edgeAddresses.count + edges)
    }

    mutating func setValue(_ value: ObjectValue, for object: Int) { graph.values.set(value, for: object) }

    mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64, for object: Int) {
        graph.values.setNumber(kind, bits: bits, for: object)
    }

    mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int, for object: Int) {
        graph.values.setData(kind, data, length: length, for: object)
    }

    mutating func addRoot(address: UInt64, kind: String, name: String) {
        if let i = index.find(address) { graph.roots.append(Root(object: i, kind: kind, name: name)) }
    }

    /// Resolves referent addresses to indices; unknown ones are dropped and counted.
    consuming func finish() -> HeapGraph {
        var targets = [UInt32]()
        targets.reserveCapacity(edgeAddresses.count)
        var starts = graph.edgeStarts
        var unresolved = 0
        var start = 0
        for object in 0..<graph.count {
            let end = Int(starts[object + 1])
            for e in start..<end {
                if let target = index.find(edgeAddresses[e]) { targets.append(target) } else { unresolved += 1 }
            }
            starts[object + 1] = UInt32(targets.count)
            start = end
        }
        edgeAddresses = []
        graph.edgeStarts = starts
        graph.edgeTargets = targets
        graph.unresolvedEdgeCount = unresolved
        graph.values.reserveObjects(graph.count)
        return graph
    }
}
