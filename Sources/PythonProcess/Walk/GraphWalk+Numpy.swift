/// numpy arrays, read by ``NumpyLayout``. They are not collected and have no
/// `tp_traverse`, so `gc.get_referents` returns nothing for them; the agent
/// adds the same referents, in the same order, so both snapshots agree.
extension GraphWalk {
    /// The most elements an object array may claim before its elements are refused (as a list's 2^28 items).
    static var maxArrayElements: Int64 { 1 << 28 }

    /// An array's referents: an object array's elements in C order (through its shape and strides,
    /// NULLs left out, as a list's items: the `[i]` of a path), then its descriptor, then its base when it has one.
    func appendArray(_ array: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let descr = try field(array &+ NumpyLayout.arrayDescr)
        if descr != 0 {
            if try reader.memory.load(Int32.self, at: descr &+ NumpyLayout.descrTypeNumber) == NumpyLayout.objectTypeNumber {
                try appendElements(of: array, into: &out)
            }
            out.append(descr)
        }
        let base = try field(array &+ NumpyLayout.arrayBase)
        if base != 0 { out.append(base) }
    }

    /// An object array's element pointers, row by row: the last dimension in one run, the outer ones as an odometer.
    /// Shape and strides are target words: their product is checked and bounded, addresses wrap (read only through `field`).
    /// Strides of 0 (or overlapping ones) let a few words claim 2^28 elements: an array may yield at most as many
    /// as the copy holds words (a list's items must be in the copy; a broadcast view larger than the copy is refused).
    private func appendElements(of array: UInt64, into out: inout [UInt64]) throws(ProcessAccessError) {
        let dimensionCount = try reader.memory.load(Int32.self, at: array &+ NumpyLayout.arrayDimensionCount)
        guard dimensionCount >= 0, dimensionCount <= NumpyLayout.maxDimensions else {
            throw .inconsistent(pid: 0, detail: "array at 0x\(String(array, radix: 16)) claims \(dimensionCount) dimensions")
        }
        let shapeAt = try field(array &+ NumpyLayout.arrayDimensions), stridesAt = try field(array &+ NumpyLayout.arrayStrides)
        var shape: [Int64] = [], strides: [UInt64] = []
        var total: Int64 = 1
        for i in 0..<UInt64(dimensionCount) {
            let length = Int64(bitPattern: try field(shapeAt &+ i &* 8))
            let (product, overflow) = total.multipliedReportingOverflow(by: length)
            guard length >= 0, !overflow, product <= min(Self.maxArrayElements, Int64(clamping: copy.byteCount / 8)) else {
                throw .inconsistent(pid: 0, detail: "array at 0x\(String(array, radix: 16)) claims a dimension of \(length) items")
            }
            total = product
            shape.append(length)
            strides.append(try field(stridesAt &+ i &* 8))
        }
        guard total > 0 else { return }
        let rowLength = shape.popLast() ?? 1, step = strides.popLast() ?? 0
        out.reserveCapacity(out.count + Int(total))
        var row = try field(array &+ NumpyLayout.arrayData)
        var index = [Int64](repeating: 0, count: shape.count)
        while true {
            // One run when the row lies in one region of the copy (a large buffer may span several), else word by word.
            if step == 8, copy.contains(row, count: Int(rowLength) * 8) {
                try appendWords(from: row, count: rowLength, to: &out)
            } else {
                for j in 0..<UInt64(rowLength) {
                    let element = try field(row &+ j &* step)
                    if element != 0 { out.append(element) }
                }
            }
            // The next row: the last outer dimension that is not at its end moves on; those after it start again.
            var d = shape.count - 1
            while d >= 0 {
                index[d] += 1
                row &+= strides[d]
                if index[d] < shape[d] { break }
                row &-= strides[d] &* UInt64(shape[d])
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
