public import Fragmentation

/// Names the type of a would-be object by reading its `ob_type` in the
/// target, and remembers what it learned: a pointer is a type only if its own
/// type is `type` (or a metaclass whose type is `type`).
public final class TypeNames {
    let memory: any MemorySource
    /// `&PyType_Type` in the target.
    let typeType: UInt64
    /// Where `tp_name` and `tp_basicsize` are: the census's layout for the version.
    let typeName: UInt64, typeBasicSize: UInt64
    private var known: [UInt64: Entry?] = [:]

    struct Entry {
        var name: String
        var basicBytes: UInt64
    }

    /// `typeType` is the relocated address of `PyType_Type` (`.dynsym`); `layout` the census's for the version.
    public init(memory: any MemorySource, typeType: UInt64, layout: PythonLayout) {
        self.memory = memory
        self.typeType = typeType
        typeName = layout.typeName
        typeBasicSize = layout.typeBasicSize
    }

    /// The type's name (`tp_name`) and `tp_basicsize`, or nil when `address` is not a type object.
    func entry(_ address: UInt64) -> Entry? {
        if let cached = known[address] { return cached }
        let entry = lookUp(address)
        known[address] = entry
        return entry
    }

    private func lookUp(_ address: UInt64) -> Entry? {
        guard address != 0, address & 7 == 0 else { return nil }
        // One read of the type's head: ob_type at 8, then tp_name and tp_basicsize where the layout puts them.
        let end = max(typeName, typeBasicSize, 8)  // 3.13+ from the target's own table: bounded before it sizes a read
        guard end < 4096, let head = try? memory.bytes(at: address, count: Int(end) + 8) else { return nil }
        let metatype = head.loadWord(at: 8)
        if metatype != typeType {
            guard metatype != 0, metatype & 7 == 0, let meta = try? memory.pointer(at: metatype &+ 8), meta == typeType else { return nil }
        }
        let basic = head.loadWord(at: Int(typeBasicSize))
        guard basic > 0, basic < 1 << 20, let name = try? memory.cString(at: head.loadWord(at: Int(typeName)), maxLength: 128),
              !name.isEmpty,
              name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        return Entry(name: name, basicBytes: basic)
    }

    /// The object in a pymalloc block of `blockBytes` whose first bytes are
    /// `block` (at least 48 of them): its offset in the block (0, or 16 after a
    /// GC header, or 32 after a GC header and 3.11+'s pre-header) and type name.
    func object(inBlock block: ArraySlice<UInt8>, blockBytes: UInt64) -> (offset: UInt64, type: String)? {
        let base = block.startIndex
        for offset in [0, 16, 32] where UInt64(offset) + 16 <= blockBytes && base + offset + 16 <= block.endIndex {
            let refcount = block.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
            let type = block.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self) }
            guard refcount > 0, let entry = entry(type), entry.basicBytes + UInt64(offset) <= blockBytes else { continue }
            return (UInt64(offset), entry.name)
        }
        return nil
    }
}
