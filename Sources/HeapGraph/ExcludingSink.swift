/// A ``GraphSink`` that passes everything on to an ``MLHWriter`` except the objects at
/// `excluded`: their records, values and names, the references to them and the
/// roots at them. `memlens run` leaves out this way what delivering the signal
/// made in the target (the handler's argument tuple and frames), as the
/// in-process dump does. The addresses come from the target: at worst it hides
/// its own objects from its own snapshot. Concrete, not generic over its
/// sink: a walk calls it per object and per reference, and an unspecialized
/// generic wrapper (it lives in another module than the walk) doubled the time
/// of a 1 M-object snapshot.
package struct ExcludingSink: GraphSink {
    /// The writer that gets what is kept.
    package private(set) var base: MLHWriter
    /// The addresses left out, and their range (most addresses fall outside it).
    package let excluded: Set<UInt64>
    private let lowest: UInt64, highest: UInt64
    /// Objects and references left out so far.
    package private(set) var droppedObjects = 0, droppedEdges = 0
    private var dropping = false
    /// The object added last: its address, the referents it was given, and
    /// which of them (by position) were left out.
    private var last: (address: UInt64, given: Int, dropped: [Int]) = (0, 0, [])

    /// A sink leaving the objects at `excluded` out of `base`.
    package init(base: MLHWriter, excluded: Set<UInt64>) {
        self.base = base
        self.excluded = excluded
        (lowest, highest) = (excluded.min() ?? .max, excluded.max() ?? 0)
    }

    @inline(__always)
    private func isExcluded(_ address: UInt64) -> Bool { address >= lowest && address <= highest && excluded.contains(address) }

    package var metadata: SnapshotMetadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    package mutating func typeID(named name: String, typeObject: UInt64) -> UInt32 { base.typeID(named: name, typeObject: typeObject) }

    @discardableResult
    package mutating func addObject(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: ObjectFlags) -> Int {
        last = (address, 0, [])
        dropping = isExcluded(address)
        if dropping {
            droppedObjects += 1
            return -1
        }
        return base.addObject(address: address, typeID: typeID, size: size, refcount: refcount, flags: flags)
    }

    package mutating func addReferent(_ address: UInt64) {
        defer { last.given += 1 }
        guard !dropping else { return }
        guard !isExcluded(address) else {
            last.dropped.append(last.given)
            droppedEdges += 1
            return
        }
        base.addReferent(address)
    }

    package mutating func closeObject() {
        if !dropping { base.closeObject() }
    }

    package mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int) {
        if !dropping { base.setData(kind, data, length: length) }
    }

    package mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64) {
        if !dropping { base.setNumber(kind, bits: bits) }
    }

    package mutating func nameTypeObject(address: UInt64, name: String) {
        if !isExcluded(address) { base.nameTypeObject(address: address, name: name) }
    }

    package mutating func addClosure(address: UInt64, names: [String]) {
        if !isExcluded(address) { base.addClosure(address: address, names: names) }
    }

    package mutating func addAttributeNames(address: UInt64, names: [String]) {
        if !isExcluded(address) { base.addAttributeNames(address: address, names: names) }
    }

    /// Names by referent position: the positions left out of the object added
    /// last are left out of its names too, so the two still line up.
    package mutating func addLocalNames(address: UInt64, names: [String]) {
        guard !isExcluded(address) else { return }
        guard address == last.address, !last.dropped.isEmpty, names.count == last.given else {
            return base.addLocalNames(address: address, names: names)
        }
        let dropped = Set(last.dropped)
        base.addLocalNames(address: address, names: names.indices.filter { !dropped.contains($0) }.map { names[$0] })
    }

    package func restarted() -> ExcludingSink { ExcludingSink(base: base.restarted(), excluded: excluded) }

    package mutating func addRoot(address: UInt64, kind: String, name: String) {
        if !isExcluded(address) { base.addRoot(address: address, kind: kind, name: name) }
    }
}
