/// Object sizes in bytes, 4 bytes each: a size of 4 GiB or more (a huge
/// bytearray, say) is kept in a side table. Reads as a collection of `UInt64`.
public struct SizeColumn: RandomAccessCollection, Sendable, Equatable {
    private var small: [UInt32] = []
    private var large: [Int: UInt64] = [:]
    private static let spilled = UInt32.max

    /// An empty column.
    public init() {}

    /// A column holding `sizes`.
    public init(_ sizes: some Sequence<UInt64>) {
        for size in sizes { append(size) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { small.count }

    /// The size of object `index`, in bytes.
    @inlinable public subscript(index: Int) -> UInt64 { value(at: index) }

    @usableFromInline func value(at index: Int) -> UInt64 {
        let size = small[index]
        return size == Self.spilled ? large[index] ?? UInt64(size) : UInt64(size)
    }

    /// Appends a size.
    public mutating func append(_ size: UInt64) {
        if size >= UInt64(Self.spilled) {
            large[small.count] = size
            small.append(Self.spilled)
        } else {
            small.append(UInt32(size))
        }
    }

    /// Reserves room for `count` sizes.
    public mutating func reserveCapacity(_ count: Int) { small.reserveCapacity(count) }
}
