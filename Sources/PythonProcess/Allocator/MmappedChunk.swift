/// The header of a glibc chunk in a mapping of its own (a large malloc): `prev_size`,
/// the pad between the mapping's start and the header (under a page), and `size`
/// with IS_MMAPPED (2). The mapping ends `size` past the header up to glibc 2.36 and
/// 16 bytes further in 2.43 (Debian sid: a 200,000-byte malloc's header reads 0x30ff2
/// in a 0x31000-byte mapping). Both words are the target's: checked arithmetic.
public enum MmappedChunk {
    /// Bytes from the header to the mapping's end, or nil unless (`prevSize`, `field`)
    /// is such a header: the mapping then spans a whole number of pages, at least one.
    public static func span(prevSize: UInt64, field: UInt64) -> UInt64? {
        guard field & 2 != 0, prevSize < 4096 else { return nil }
        let size = field & ~7
        guard size < 1 << 48 else { return nil }
        for span in [size, size + 16] where (prevSize + span) % 4096 == 0 && prevSize + span >= 4096 { return span }
        return nil
    }
}
