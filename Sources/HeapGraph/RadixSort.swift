/// LSD radix sort of 64-bit keys carrying a 32-bit payload, 16 bits a pass;
/// passes where every key has the same digit are skipped (object addresses
/// need three). Sequential memory access throughout, unlike hashing.
enum RadixSort {
    /// Sorts `keys` ascending, permuting `payloads` along (stable).
    static func sort(keys: inout [UInt64], payloads: inout [UInt32]) {
        let n = keys.count
        precondition(payloads.count == n)
        guard n > 1 else { return }
        var spareKeys = [UInt64](repeating: 0, count: n)
        var sparePayloads = [UInt32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            let sorted = keys.withUnsafeBufferPointer { source in
                sourcePayloadsPass(source, &payloads, &spareKeys, &sparePayloads, &counts, shift)
            }
            if sorted {
                swap(&keys, &spareKeys)
                swap(&payloads, &sparePayloads)
            }
        }
    }

    /// One pass by the 16-bit digit at `shift`; false (nothing moved) if every key has the same digit.
    private static func sourcePayloadsPass(
        _ keys: UnsafeBufferPointer<UInt64>, _ payloads: inout [UInt32],
        _ outKeys: inout [UInt64], _ outPayloads: inout [UInt32], _ counts: inout [Int], _ shift: UInt64
    ) -> Bool {
        let n = keys.count
        return counts.withUnsafeMutableBufferPointer { counts in
            for i in 0..<counts.count { counts[i] = 0 }
            for key in keys { counts[Int((key >> shift) & 0xFFFF)] += 1 }
            if counts[Int((keys[0] >> shift) & 0xFFFF)] == n { return false }
            var total = 0
            for i in 0..<counts.count {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            payloads.withUnsafeBufferPointer { payloads in
                outKeys.withUnsafeMutableBufferPointer { outKeys in
                    outPayloads.withUnsafeMutableBufferPointer { outPayloads in
                        for i in 0..<n {
                            let key = keys[i]
                            let digit = Int((key >> shift) & 0xFFFF)
                            let slot = counts[digit]
                            counts[digit] = slot + 1
                            outKeys[slot] = key
                            outPayloads[slot] = payloads[i]
                        }
                    }
                }
            }
            return true
        }
    }
}
