/// A process image decoded from a fuzz input, for the walkers: a selector
/// byte, three parameter words, then regions (`u64 start, u16 length, bytes`)
/// until the input ends. `bench/fuzz/seeds.py` writes seeds in this format.
public struct ForgedImage {
    public var selector: UInt8 = 0
    public var parameters: [UInt64] = [0, 0, 0]
    public var regions: [(start: UInt64, bytes: [UInt8])] = []

    public init(_ input: UnsafeRawBufferPointer) {
        var at = 0
        func word(_ size: Int) -> UInt64? {
            guard at + size <= input.count else { return nil }
            var value: UInt64 = 0
            for i in (0..<size).reversed() { value = value << 8 | UInt64(input[at + i]) }
            at += size
            return value
        }
        guard let first = word(1) else { return }
        selector = UInt8(first)
        for i in 0..<3 { parameters[i] = word(8) ?? 0 }
        while regions.count < 16, let start = word(8), let length = word(2) {
            let end = min(input.count, at + Int(length))
            let bytes = Array(input[at..<end])
            at = end
            // HeapCopy(regions:) is a test initializer that trusts its regions not to wrap.
            guard start <= UInt64.max - UInt64(bytes.count) else { continue }
            regions.append((start, bytes))
        }
    }

    /// The address ranges of the regions, in input order.
    public var ranges: [Range<UInt64>] { regions.map { $0.start..<$0.start + UInt64($0.bytes.count) } }
}
