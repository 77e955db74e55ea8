/// LSD radix sort of 64-bit keys, optionally carrying a 32-bit payload, 16
/// bits a pass; passes where every key has the same digit are skipped (object
/// addresses need three). Sequential memory access throughout, unlike hashing.
enum RadixSort {
    /// Sorts `keys` ascending, permuting `payloads` along (stable).
    static func sort(keys: inout [UInt64], payloads: inout [UInt32]) {
        precondition(payloads.count == keys.count)
        var spare = [UInt32](repeating: 0, count: keys.count)
        sort(&keys, payloads: &payloads, spare: &spare)
    }

    /// Sorts `keys` ascending.
    static func sort(keys: inout [UInt64]) {
        var none: [UInt32] = [], spare: [UInt32] = []
        sort(&keys, payloads: &none, spare: &spare)
    }

    private static func sort(_ keys: inout [UInt64], payloads: inout [UInt32], spare sparePayloads: inout [UInt32]) {
        let n = keys.count
        guard n > 1 else { return }
        let carry = !payloads.isEmpty
        var spareKeys = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in stride(from: UInt64(0), to: 64, by: 16) {
            let moved = keys.withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { counts in
                    for i in 0..<counts.count { counts[i] = 0 }
                    for key in source { counts[Int((key >> shift) & 0xFFFF)] += 1 }
                    if counts[Int((source[0] >> shift) & 0xFFFF)] == n { return false }
                    var total = 0
                    for i in 0..<counts.count {
                        let c = counts[i]
                        counts[i] = total
                        total += c
                    }
                    payloads.withUnsafeBufferPointer { payloads in
                        spareKeys.withUnsafeMutableBufferPointer { outKeys in
                            sparePayloads.withUnsafeMutableBufferPointer { outPayloads in
                                for i in 0..<n {
                                    let key = source[i]
                                    let digit = Int((key >> shift) & 0xFFFF)
                                    let slot = counts[digit]
                                    counts[digit] = slot + 1
                                    outKeys[slot] = key
                                    if carry { outPayloads[slot] = payloads[i] }
                                }
                            }
                        }
                    }
                    return true
                }
            }
            if moved {
                swap(&keys, &spareKeys)
                if carry { swap(&payloads, &sparePayloads) }
            }
        }
    }
}
