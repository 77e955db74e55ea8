/// What objects hold outside pymalloc, read by the read-only walk over a copy
/// (the census's stop–copy–resume, then the graph walk): every object whose
/// `sys.getsizeof` passes pymalloc's 512 bytes, at its own address, and every
/// buffer an object allocates apart (the sizing rules':
/// array data, bytearray, deque blocks, list items…), at the buffer's pointer.
/// numpy arrays are not collected: only a walk of the graph finds them.
/// `frag` finds the glibc chunk or mmapped region each claim points into
/// (``MemoryAccount/attribute(_:heap:arenas:pages:)``); PythonProcess reads them.
public struct NativeOwners: Sendable {
    /// An address in memory an object owns, and the owner's type.
    public struct Claim: Sendable, Equatable {
        /// The object's address, or a pointer to its buffer.
        public var address: UInt64
        /// Index into ``NativeOwners/typeNames``.
        public var type: UInt32
        /// The glibc mmapped chunk the address is in (from its header in the copy), if it is in one.
        public var mmappedRegion: Range<UInt64>?

        /// A claim of `address` by type `type`.
        public init(address: UInt64, type: UInt32, mmappedRegion: Range<UInt64>? = nil) {
            self.address = address
            self.type = type
            self.mmappedRegion = mmappedRegion
        }
    }

    /// The owners' type names.
    public var typeNames: [String] = []
    public var claims: [Claim] = []
    /// Objects walked, and the Σ of their `sys.getsizeof`.
    public var objectCount = 0
    public var objectBytes: UInt64 = 0
    /// The target's pause for the copy, in milliseconds.
    public var pauseMilliseconds: Double = 0

    /// Claims with their type names, for tests and tools that build them by hand.
    public init(typeNames: [String] = [], claims: [Claim] = []) {
        self.typeNames = typeNames
        self.claims = claims
    }
}
