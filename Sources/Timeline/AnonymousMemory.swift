import ProcFS

/// What `watch` follows in `/proc/PID/maps` to notice heap growth: the
/// `[heap]` end (brk) and the size of the anonymous mappings.
struct AnonymousMemory: Equatable {
    var heapEnd: UInt64 = 0
    var anonymousBytes: UInt64 = 0
    /// Anonymous mappings of 1 MiB or more, by start address.
    var largeMappings: Set<UInt64> = []

    static let largeBytes: UInt64 = 1 << 20

    init(heapEnd: UInt64 = 0, anonymousBytes: UInt64 = 0, largeMappings: Set<UInt64> = []) {
        self.heapEnd = heapEnd; self.anonymousBytes = anonymousBytes; self.largeMappings = largeMappings
    }

    init(_ table: MappingTable) {
        for mapping in table.mappings {
            let path = table.path(of: mapping)
            if path == "[heap]" {
                heapEnd = mapping.end
            } else if path.isEmpty, mapping.permissions.writable {
                anonymousBytes += mapping.sizeBytes
                if mapping.sizeBytes >= Self.largeBytes { largeMappings.insert(mapping.start) }
            }
        }
    }

    /// How memory moved from `old` to this: `brk`/`mmap` growth, a drop, or nothing.
    func change(from old: AnonymousMemory) -> (growing: Bool, dropping: Bool, cause: String) {
        let brkUp = heapEnd > old.heapEnd && old.heapEnd != 0
        let mmapUp = !largeMappings.subtracting(old.largeMappings).isEmpty || anonymousBytes >= old.anonymousBytes + Self.largeBytes
        let brkDown = heapEnd < old.heapEnd
        let mmapDown = anonymousBytes + Self.largeBytes <= old.anonymousBytes
        return (brkUp || mmapUp, brkDown || mmapDown, mmapUp ? (brkUp ? "brk+mmap" : "mmap") : brkUp ? "brk" : (mmapDown ? "munmap" : "brk"))
    }
}
