/// Accumulates objects and their referent addresses, then resolves the
/// addresses to object indices with two radix sorts and a merge. A second
/// record for an address already seen is dropped with its referents (the
/// agent may emit an object twice; meliae dumps can repeat objects).
package struct HeapGraphBuilder: GraphSink {
    private(set) var graph: HeapGraph
    private var edgeAddresses: [UInt64] = []
    private var typeIDsByName: [String: UInt32] = [:]
    private var pendingRoots: [(address: UInt64, kind: String, name: String)] = []
    private var pendingClosures: [(address: UInt64, names: [String])] = []
    private var pendingAttributes: [(address: UInt64, names: [String])] = []
    private var pendingLocals: [(address: UInt64, names: [String])] = []
    private var pendingTypeObjects: [(address: UInt64, name: String)] = []

    /// A builder sized for about `expectedObjects` objects and `expectedEdges` edges.
    package init(metadata: SnapshotMetadata, expectedObjects: Int = 1024, expectedEdges: Int = 0) {
        graph = HeapGraph(metadata: metadata)
        reserveColumns(expectedObjects)
        edgeAddresses.reserveCapacity(expectedEdges)
    }

    private mutating func reserveColumns(_ objects: Int) {
        graph.addresses.reserveCapacity(objects)
        graph.typeIDs.reserveCapacity(objects)
        graph.sizes.reserveCapacity(objects)
        graph.refcounts.reserveCapacity(objects)
        graph.flags.reserveCapacity(objects)
        graph.edgeStarts.reserveCapacity(objects + 1)
    }

    package func restarted() -> HeapGraphBuilder { HeapGraphBuilder(metadata: graph.metadata) }

    package var metadata: SnapshotMetadata {
        get { graph.metadata }
        set { graph.metadata = newValue }
    }

    /// The id of type `name`, adding it if new.
    package mutating func typeID(named name: String) -> UInt32 {
        if let id = typeIDsByName[name] { return id }
        let id = UInt32(graph.typeNames.count)
        graph.typeNames.append(name)
        typeIDsByName[name] = id
        return id
    }

    /// The id of type `name`, adding it if new with the address of its type object (0: unknown).
    package mutating func typeID(named name: String, typeObject: UInt64) -> UInt32 {
        if let id = typeIDsByName[name] { return id }
        if typeObject != 0 { pendingTypeObjects.append((typeObject, name)) }
        return typeID(named: name)
    }

    /// Appends a type whose id the file assigns by position, with the address of its type object if known.
    mutating func appendType(_ name: String, address: UInt64? = nil) {
        if let address { pendingTypeObjects.append((address, name)) }
        graph.typeNames.append(name)
        typeIDsByName[name] = typeIDsByName[name] ?? UInt32(graph.typeNames.count - 1)
    }

    var typeCount: Int { graph.typeNames.count }

    /// Names the type object at `address` (a "class" in paths), once its object is added.
    package mutating func nameTypeObject(address: UInt64, name: String) {
        pendingTypeObjects.append((address, name))
    }

    /// Adds an object and returns its index; `closeObject` must follow with its referents.
    @discardableResult
    package mutating func addObject(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: ObjectFlags = []) -> Int {
        graph.addresses.append(address)
        graph.typeIDs.append(typeID)
        graph.sizes.append(size)
        graph.refcounts.append(refcount)
        graph.flags.append(flags)
        return graph.addresses.count - 1
    }

    /// Appends the referents of the object added last (an array: one copy, no per-element iteration).
    package mutating func closeObject(referents: [UInt64]) {
        edgeAddresses.append(contentsOf: referents)
        graph.edgeStarts.append(UInt32(edgeAddresses.count))
    }

    /// Appends the referents of the object added last.
    package mutating func closeObject<S: Sequence>(referents: S) where S.Element == UInt64 {
        edgeAddresses.append(contentsOf: referents)
        graph.edgeStarts.append(UInt32(edgeAddresses.count))
    }

    package mutating func addReferent(_ address: UInt64) { edgeAddresses.append(address) }

    package mutating func closeObject() { graph.edgeStarts.append(UInt32(edgeAddresses.count)) }

    package mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int) {
        graph.values.setData(kind, data, length: length, for: graph.count - 1)
    }

    package mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64) {
        graph.values.setNumber(kind, bits: bits, for: graph.count - 1)
    }

    package mutating func setValue(_ value: ObjectValue, for object: Int) { graph.values.set(value, for: object) }

    package mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64, for object: Int) {
        graph.values.setNumber(kind, bits: bits, for: object)
    }

    package mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int, for object: Int) {
        graph.values.setData(kind, data, length: length, for: object)
    }

    package mutating func addClosure(address: UInt64, names: [String]) {
        pendingClosures.append((address, names))
    }

    /// Names the instance attributes of the class at `address` (its shared keys' order).
    package mutating func addAttributeNames(address: UInt64, names: [String]) {
        pendingAttributes.append((address, names))
    }

    /// Names the referents of the generator, coroutine or frame at `address` that are its variables.
    package mutating func addLocalNames(address: UInt64, names: [String]) {
        pendingLocals.append((address, names))
    }

    package mutating func addRoot(address: UInt64, kind: String, name: String) {
        pendingRoots.append((address, kind, name))
    }

    /// Resolves referent addresses to indices; unknown ones are dropped and
    /// counted, and so are later duplicates of an address.
    package consuming func finish() -> HeapGraph {
        if edgeAddresses.isEmpty, let graph = finishWithoutEdges() { return graph }
        var lookup = SortedAddresses(graph.addresses)
        var resolved = [UInt32](repeating: .max, count: edgeAddresses.count)
        lookup.resolve(edgeAddresses, into: &resolved)
        edgeAddresses = []
        let duplicates = lookup.repeatedRecords
        if !duplicates.isEmpty {
            dropDuplicates(duplicates, resolved: &resolved, lookup: lookup)
            lookup = SortedAddresses(graph.addresses)
        }

        // Compact the CSR, leaving out unresolved referents.
        var written = 0
        var unresolved = 0
        graph.edgeStarts.withUnsafeMutableBufferPointer { starts in
            resolved.withUnsafeMutableBufferPointer { targets in
                var start = 0
                for object in 0..<graph.count {
                    let end = Int(starts[object + 1])
                    for e in start..<end {
                        let t = targets[e]
                        if t == .max { unresolved += 1 } else {
                            targets[written] = t
                            written += 1
                        }
                    }
                    starts[object + 1] = UInt32(written)
                    start = end
                }
            }
        }
        resolved.removeLast(resolved.count - written)
        graph.edgeTargets = resolved
        graph.unresolvedEdgeCount = unresolved
        for root in pendingRoots {
            if let i = lookup.index(of: root.address) { graph.roots.append(Root(object: i, kind: root.kind, name: root.name)) }
        }
        for closure in pendingClosures {
            if let i = lookup.index(of: closure.address) { graph.closureNames[i] = closure.names }
        }
        for attributes in pendingAttributes {
            if let i = lookup.index(of: attributes.address) { graph.attributeNames[i] = attributes.names }
        }
        for locals in pendingLocals {
            if let i = lookup.index(of: locals.address) { graph.localNames[i] = locals.names }
        }
        for type in pendingTypeObjects {
            if let i = lookup.index(of: type.address) { graph.typeObjectNames[i] = type.name }
        }
        return graph
    }

    /// The cheap finish when there are no edges to resolve (an objects-only
    /// load): a sorted copy of the addresses shows there are no repeated
    /// records, and one pass finds the few named objects. Nil if records repeat.
    private mutating func finishWithoutEdges() -> HeapGraph? {
        var sorted = graph.addresses
        RadixSort.sort(keys: &sorted)
        for i in 1..<max(sorted.count, 1) where sorted[i] == sorted[i - 1] { return nil }
        sorted = []
        var wanted: [UInt64: [Int]] = [:]
        for (k, root) in pendingRoots.enumerated() { wanted[root.address, default: []].append(k) }
        let typeBase = pendingRoots.count
        for (k, type) in pendingTypeObjects.enumerated() { wanted[type.address, default: []].append(typeBase + k) }
        let closureBase = typeBase + pendingTypeObjects.count
        for (k, closure) in pendingClosures.enumerated() { wanted[closure.address, default: []].append(closureBase + k) }
        var found = [UInt32?](repeating: nil, count: closureBase + pendingClosures.count)
        if !wanted.isEmpty {
            for (i, address) in graph.addresses.enumerated() {
                for k in wanted[address] ?? [] { found[k] = UInt32(i) }
            }
        }
        for (k, root) in pendingRoots.enumerated() {
            if let i = found[k] { graph.roots.append(Root(object: i, kind: root.kind, name: root.name)) }
        }
        for (k, type) in pendingTypeObjects.enumerated() { if let i = found[typeBase + k] { graph.typeObjectNames[i] = type.name } }
        for (k, closure) in pendingClosures.enumerated() { if let i = found[closureBase + k] { graph.closureNames[i] = closure.names } }
        if !pendingAttributes.isEmpty {
            let classes = Dictionary(pendingAttributes.map { ($0.address, $0.names) }, uniquingKeysWith: { a, _ in a })
            for (i, address) in graph.addresses.enumerated() { if let names = classes[address] { graph.attributeNames[UInt32(i)] = names } }
        }
        return graph
    }

    /// Removes later records of repeated addresses and renumbers edge targets.
    private mutating func dropDuplicates(_ duplicates: [Int], resolved: inout [UInt32], lookup: SortedAddresses) {
        var drop = [Bool](repeating: false, count: graph.count)
        for d in duplicates { drop[d] = true }
        var newIndex = [UInt32](repeating: .max, count: graph.count)
        var next: UInt32 = 0
        for i in 0..<graph.count where !drop[i] {
            newIndex[i] = next
            next += 1
        }
        // Lookups return the first record of an address, which is the one kept.
        for e in 0..<resolved.count where resolved[e] != .max {
            resolved[e] = newIndex[Int(resolved[e])]
        }
        var kept = HeapGraph(metadata: graph.metadata)
        kept.typeNames = graph.typeNames
        var keptResolved: [UInt32] = []
        for i in 0..<graph.count where !drop[i] {
            kept.addresses.append(graph.addresses[i])
            kept.typeIDs.append(graph.typeIDs[i])
            kept.sizes.append(graph.sizes[i])
            kept.refcounts.append(graph.refcounts[i])
            kept.flags.append(graph.flags[i])
            keptResolved += resolved[Int(graph.edgeStarts[i])..<Int(graph.edgeStarts[i + 1])]
            kept.edgeStarts.append(UInt32(keptResolved.count))
            if let value = graph.values.value(of: i) { kept.values.set(value, for: Int(newIndex[i])) }
        }
        graph = kept
        resolved = keptResolved
    }
}
