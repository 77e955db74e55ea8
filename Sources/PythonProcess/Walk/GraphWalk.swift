import HeapGraph
import ProcessModels

/// The read-only snapshot's walk: the census's ``HeapWalk`` over the
/// collector's lists, then, from every object it visits and from the roots
/// (thread stacks, `sys.modules`, builtins), the referents each type's layout
/// names (``Traversal``), adding the untracked objects they reach (str, int,
/// tuples…) once their `ob_type` is a validated type object. Each object goes
/// to the sink as it is reached, with its referents by address: a `.mlh` file
/// written as the walk goes (``MLHWriter``, so memlens holds little more than
/// the copy), or a graph in memory (``HeapGraphBuilder``).
///
/// One walk, one thread: its state is exempt from dynamic exclusivity checks
/// (`@exclusivity(unchecked)`), which otherwise cost a quarter of the walk.
final class GraphWalk<Sink: GraphSink> {
    let walk: HeapWalk
    let graph: GraphLayout
    let values: Bool
    let interpreter: UInt64
    /// `_PyRuntime`.
    let runtime: UInt64
    // Stored, not forwarded to `walk`: read per word in the walk.
    let copy: HeapCopy
    let reader: ObjectReader

    /// Objects in the snapshot or queued for it.
    @exclusivity(unchecked) var known: AddressSet
    /// Addresses that looked like types and are not.
    @exclusivity(unchecked) var notTypes: Set<UInt64> = []
    @exclusivity(unchecked) var traversals: [Traversal] = []
    /// The field offsets the traversals name (``Traversal/Offsets``).
    @exclusivity(unchecked) var offsets: [UInt64] = []
    @exclusivity(unchecked) var traversalReady: [Bool] = []
    /// Type slots whose attribute names were recorded.
    var namedClasses: Set<Int> = []
    @exclusivity(unchecked) var typeIDs: [UInt32?] = []
    /// `subtype_traverse` in the target: the `tp_traverse` of Python classes.
    @exclusivity(unchecked) var subtypeTraverse: UInt64 = 0
    /// Where the objects go.
    @exclusivity(unchecked) var sink: Sink
    /// Untracked objects found and not added yet, added in address order (the
    /// copy's order) once the tracked ones are in: a bit each, where a queue of
    /// them held 8 bytes each through the walk.
    @exclusivity(unchecked) var pending: AddressSet
    /// The word index the scan of ``pending`` has reached: objects found below it are queued.
    @exclusivity(unchecked) var scanned = 0
    /// Untracked objects found behind the scan, with their type slots.
    @exclusivity(unchecked) var queue: [UInt64] = []
    @exclusivity(unchecked) var queueSlots: [Int32] = []
    @exclusivity(unchecked) var counts = Counts()
    /// The collector's generations, and the objects in the permanent one.
    var generations: [CensusResult.Generation] = []
    var permanentObjects = 0

    struct Counts {
        /// Objects and the referents written for them.
        var objects = 0, edges = 0, conservativeObjects = 0, conservativeEdges = 0, approximateSizes = 0
        /// Objects whose referents could not be read (a pointer outside the copy).
        var unreadable = 0
        var firstUnreadable: String?
    }

    init(walk: HeapWalk, graph: GraphLayout, runtime: UInt64, interpreter: UInt64, values: Bool, sink: Sink) {
        self.runtime = runtime
        copy = walk.copy
        reader = walk.reader
        self.walk = walk
        self.graph = graph
        self.values = values
        self.interpreter = interpreter
        known = AddressSet(copy: walk.copy)
        pending = AddressSet(copy: walk.copy)
        self.sink = sink
    }

    /// Walks everything into ``sink``, the collector's counts in its metadata
    /// before the first object. `subtypeTraverse` is the
    /// symbol's address when the image has it (nil: the most common
    /// `tp_traverse` of the heap types found, Python classes outnumbering the rest).
    func run(subtypeTraverse symbol: UInt64?) throws(ProcessAccessError) {
        // The collector's lists twice: all tracked objects must be known before
        // the first is added (a list of them would cost 12 bytes each at the peak).
        generations = try walk.walkGenerations { (object, _, permanent) throws(ProcessAccessError) in
            insertKnown(object)
            if permanent { permanentObjects += 1 }
        }
        sink.metadata.gcCounts = generations.map(\.count)
        sink.metadata.gcThresholds = generations.map(\.threshold)
        sink.metadata.gcFrozen = permanentObjects
        if let symbol { subtypeTraverse = symbol } else { subtypeTraverse = try mostCommonHeapTraverse() }
        let roots = try collectRoots()
        for root in roots {
            guard let bit = position(root.address), !known.contains(position: bit),
                  let slot = slot(ofObject: root.address) else { continue }
            addUntracked(root.address, bit: bit, slot: slot)
        }
        var scratch: [UInt64] = []
        scratch.reserveCapacity(256)
        // Tracked as gc.get_objects() lists them: the permanent generation's (gc.freeze()) are left out of it.
        _ = try walk.walkGenerations { (object, slot, permanent) in emit(object, slot: slot, tracked: !permanent, scratch: &scratch) }
        var next = pending.nextMember(from: 0)
        while let bit = next {
            scanned = bit + 1
            pending.remove(position: bit)
            if let object = copy.address(ofWordIndex: bit), let slot = slot(ofObject: object) {
                emit(object, slot: slot, tracked: false, scratch: &scratch)
            }
            next = pending.nextMember(from: bit + 1)
        }
        scanned = .max
        var queued = 0
        while queued < queue.count {
            emit(queue[queued], slot: Int(queueSlots[queued]), tracked: false, scratch: &scratch)
            queued += 1
            if queued >= 1 << 16 {  // keep the queue short
                queue.removeFirst(queued)
                queueSlots.removeFirst(queued)
                queued = 0
            }
        }
        if counts.unreadable * 100 > max(counts.objects, 100) {
            throw .inconsistent(pid: 0, detail: "\(counts.unreadable) of \(counts.objects) objects could not be read (first: \(counts.firstUnreadable ?? "?"))")
        }
        queue = []
        queueSlots = []
        for root in roots { sink.addRoot(address: root.address, kind: root.kind, name: root.name) }
    }

    /// Marks an untracked object (at word index `bit`, of type slot `slot`) to be added.
    @inline(__always)
    private func addUntracked(_ object: UInt64, bit: Int, slot: Int) {
        known.insert(position: bit)
        if bit >= scanned {
            pending.insert(position: bit)
        } else {
            queue.append(object)
            queueSlots.append(Int32(slot))
        }
    }

    /// Reads the traversal of type slot `slot` if not read yet (into ``traversals``).
    @inline(__always)
    func prepareTraversal(_ slot: Int) throws(ProcessAccessError) {
        if slot < traversalReady.count, traversalReady[slot] { return }
        while traversals.count <= slot { traversals.append(.placeholder); traversalReady.append(false); typeIDs.append(nil) }
        traversals[slot] = try Traversal(type: walk.typeAddresses[slot], reader: reader, graph: graph, subtypeTraverse: subtypeTraverse,
                                         pool: &offsets)
        traversalReady[slot] = true
    }

    private func typeID(_ slot: Int) -> UInt32 {
        if let id = typeIDs[slot] { return id }
        let id = sink.typeID(named: walk.typeNames[slot], typeObject: walk.typeAddresses[slot])
        typeIDs[slot] = id
        return id
    }

    /// Adds `object` with its size, refcount, referents and value; queues the untracked objects it refers to.
    private func emit(_ object: UInt64, slot: Int, tracked: Bool, scratch: inout [UInt64]) {
        scratch.removeAll(keepingCapacity: true)
        var flags: UInt8 = tracked ? ObjectFlags.gcTracked.rawValue : 0
        var ready = false
        do {
            try prepareTraversal(slot)
            ready = true
            if try referents(of: object, type: walk.typeAddresses[slot], traversals[slot], into: &scratch) {
                flags |= ObjectFlags.conservativeReferents.rawValue
                counts.conservativeObjects += 1
                counts.conservativeEdges += scratch.count
            }
        } catch {
            scratch.removeAll(keepingCapacity: true)
            counts.unreadable += 1
            if counts.firstUnreadable == nil { counts.firstUnreadable = "\(walk.typeNames[slot]) at 0x\(String(object, radix: 16)): \(error)" }
        }
        let sizing = walk.sizings[slot]
        let size = (try? sizing.sizeBytes(of: object, copy: copy, reader: reader)) ?? sizing.basicSize
        if !sizing.exact {
            flags |= ObjectFlags.approximateSize.rawValue
            counts.approximateSizes += 1
        }
        if sizing.ownsBuffer(object, size: size, reader: reader) { flags |= ObjectFlags.ownsBuffer.rawValue }
        let refcount = UInt32(clamping: Int64(bitPattern: copy.word(at: object) ?? 0))
        sink.addObject(address: object, typeID: typeID(slot), size: size, refcount: refcount, flags: ObjectFlags(rawValue: flags))
        // Each referent that is an object (known, or of a validated type) goes in; the rest are left out.
        for referent in scratch {
            guard let bit = position(referent) else { continue }
            if !known.contains(position: bit) {
                guard let slot = self.slot(ofObject: referent) else { continue }
                addUntracked(referent, bit: bit, slot: slot)
            }
            sink.addReferent(referent)
            counts.edges += 1
        }
        sink.closeObject()
        counts.objects += 1
        guard ready else { return }
        let t = traversals[slot]
        if values, t.value != .none { recordValue(object, t.value) }
        if t.isType, let name = try? reader.typeName(object) { sink.nameTypeObject(address: object, name: name) }
        if t.isFunction, let names = closureNames(object) { sink.addClosure(address: object, names: names) }
        if t.holdsVariables, let names = variableNames(object, t, referents: scratch) {
            sink.addLocalNames(address: object, names: names)
        }
        if t.cachedKeys != 0, t.slotOffsets.count == 0, namedClasses.insert(slot).inserted, let names = sharedKeyNames(t.cachedKeys) {
            sink.addAttributeNames(address: walk.typeAddresses[slot], names: names)
        }
    }

    /// The str keys of a class's shared keys (3.11+), in entry order: its instances' attribute names.
    private func sharedKeyNames(_ keys: UInt64) -> [String]? {
        guard let shape = try? reader.keysShape(keys), shape.entries > 0, shape.entries < 4096 else { return nil }
        let keyOffset: UInt64 = shape.entrySize == 24 ? 8 : 0
        return (0..<UInt64(shape.entries)).map { i in
            copy.word(at: shape.firstEntry &+ i &* shape.entrySize &+ keyOffset).flatMap { strHead($0, limit: 200)?.0 } ?? "?"
        }
    }

    /// Whether `address` is an object in the snapshot, or one with a validated type.
    func isKnownObject(_ address: UInt64) -> Bool {
        isKnown(address) || slot(ofObject: address) != nil
    }

    /// The type slot of the object at `address`, nil unless its `ob_type` is a
    /// validated type object: readable, its own type a type (`Py_TPFLAGS_TYPE_SUBCLASS`),
    /// a sane `tp_basicsize` and a readable name.
    func slot(ofObject address: UInt64) -> Int? {
        let typeField = reader.layout.objects.type
        guard address & 7 == 0, let refcount = copy.word(at: address), refcount != 0, let type = copy.word(at: address &+ typeField) else {
            return nil
        }
        if let slot = walk.knownSlot(ofType: type) { return slot }
        guard type & 7 == 0, type != 0, !notTypes.contains(type) else { return nil }
        guard let meta = copy.word(at: type &+ typeField), reader.flags(ofTypeOrZero: meta) & ObjectReader.typeSubclass != 0,
              let basic = copy.word(at: type &+ reader.layout.typeBasicSize), basic >= 16, basic < 1 << 20,
              let slot = try? walk.slot(ofType: type) else {
            notTypes.insert(type)
            return nil
        }
        return slot
    }

    /// The most common `tp_traverse` among the heap types of the collected objects.
    private func mostCommonHeapTraverse() throws(ProcessAccessError) -> UInt64 {
        var votes: [UInt64: Int] = [:]
        for type in walk.typeAddresses where reader.flags(ofTypeOrZero: type) & ObjectReader.heapTypeFlag != 0 {
            votes[try reader.word(type &+ graph.typeTraverse), default: 0] += 1
        }
        return votes.max { $0.value < $1.value }?.key ?? 0
    }

    /// The free variable names of a function's closure, in `__closure__` order.
    private func closureNames(_ function: UInt64) -> [String]? {
        guard let closure = copy.word(at: function &+ graph.functionClosure), closure != 0,
              let count = copy.word(at: closure &+ reader.layout.objects.varSize), count > 0, count < 4096,
              let code = copy.word(at: function &+ graph.functionCode), code != 0 else { return nil }
        let names: [String]
        if let free = graph.codeFreeNames {
            guard let tuple = copy.word(at: code &+ free) else { return nil }
            names = tupleStrings(tuple)
        } else {
            guard let tuple = copy.word(at: code &+ graph.codeLocalNames) else { return nil }
            names = Array(tupleStrings(tuple).suffix(Int(count)))
        }
        return names.count == Int(count) ? names : nil
    }

    /// The str items of a tuple ("?" for others).
    func tupleStrings(_ tuple: UInt64) -> [String] {
        guard let count = copy.word(at: tuple &+ reader.layout.objects.varSize), count < 1 << 16 else { return [] }
        return (0..<count).map { i in
            copy.word(at: tuple &+ reader.layout.tupleItems &+ i &* 8).flatMap { try? reader.string(at: $0, maxLength: 1024) } ?? "?"
        }
    }
}
