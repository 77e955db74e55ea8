/// Where a walk that finds objects one at a time puts them: a graph in memory
/// (``HeapGraphBuilder``) or a `.mlh` file written as the walk goes
/// (``MLHWriter``). Referents, roots and names are given by address.
///
/// Per object: ``addObject(address:typeID:size:refcount:flags:)``, its
/// referents with ``addReferent(_:)``, ``closeObject()``, then at most one value.
package protocol GraphSink {
    /// The snapshot's header; a file writes it before its first object, so set it before adding any.
    var metadata: SnapshotMetadata { get set }
    /// The id of the type named `name` whose type object is at `typeObject` (0 if unknown), added if new.
    mutating func typeID(named name: String, typeObject: UInt64) -> UInt32
    /// Adds an object and returns its index (its place in the order objects were added).
    @discardableResult
    mutating func addObject(address: UInt64, typeID: UInt32, size: UInt64, refcount: UInt32, flags: ObjectFlags) -> Int
    /// A referent of the object added last, by address.
    mutating func addReferent(_ address: UInt64)
    /// Ends the referents of the object added last.
    mutating func closeObject()
    /// The value of the object added last: the head of a str (UTF-8) or bytes, and its full length.
    mutating func setData(_ kind: ValueStore.Kind, _ data: UnsafeRawBufferPointer, length: Int)
    /// The value of the object added last: an int or a float, as 64 bits.
    mutating func setNumber(_ kind: ValueStore.Kind, bits: UInt64)
    /// Names the type object at `address` (a "class" in paths).
    mutating func nameTypeObject(address: UInt64, name: String)
    /// The free variable names of the function at `address`, in `__closure__` order.
    mutating func addClosure(address: UInt64, names: [String])
    /// Names the instance attributes of the class at `address` (its shared keys' order).
    mutating func addAttributeNames(address: UInt64, names: [String])
    /// Names the referents of the generator, coroutine or frame at `address` that are its variables.
    mutating func addLocalNames(address: UInt64, names: [String])
    /// A sink with nothing added (the same file, emptied): the walk starts over on a new copy.
    func restarted() -> Self
    /// A named starting point: `sys.modules`, a module, a thread's frame.
    mutating func addRoot(address: UInt64, kind: String, name: String)
}
