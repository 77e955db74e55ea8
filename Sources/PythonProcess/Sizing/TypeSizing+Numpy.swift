import ProcessModels
extension TypeSizing {
    /// numpy's `array_sizeof` (1.26, 2.x): the array type's `tp_basicsize`, a shape and a stride
    /// (`npy_intp`) per dimension, and `elsize × ∏ shape` when the array owns its data
    /// (`NPY_ARRAY_OWNDATA`): a view's data are counted once, in the array that owns them.
    /// Target words: the dimension count is bounded, the product saturates.
    func arraySizeBytes(_ array: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let memory = reader.memory
        let dimensionCount = try memory.load(Int32.self, at: array &+ NumpyLayout.arrayDimensionCount)
        guard dimensionCount >= 0, dimensionCount <= NumpyLayout.maxDimensions else {
            throw .inconsistent(pid: 0, detail: "array at 0x\(String(array, radix: 16)) claims \(dimensionCount) dimensions")
        }
        let size = basicSize.addingSaturated(UInt64(dimensionCount) &* 16)
        guard try memory.load(Int32.self, at: array &+ NumpyLayout.arrayFlags) & NumpyLayout.ownDataFlag != 0 else { return size }
        var bytes = try Self.numpyElementSize(descriptor: reader.word(array &+ NumpyLayout.arrayDescr), reader: reader)
        let shape = try reader.word(array &+ NumpyLayout.arrayDimensions)
        for i in 0..<UInt64(dimensionCount) {
            bytes = bytes.multipliedSaturated(by: UInt64(clamping: try memory.load(Int64.self, at: shape &+ i &* 8)))
        }
        return size.addingSaturated(bytes)
    }

    /// A descriptor's `elsize`, where its numpy keeps it: the root of its type's `tp_base` chain
    /// (`numpy.dtype`, the type just above `object`) is as big as that numpy's `PyArray_Descr`.
    static func numpyElementSize(descriptor: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> UInt64 {
        let layout = reader.layout, memory = reader.memory
        var type = try reader.typeOf(descriptor)
        for _ in 0..<8 {
            let base = try reader.word(type &+ layout.typeBase)
            guard base != 0, try reader.word(base &+ layout.typeBase) != 0 else { break }
            type = base
        }
        let dtypeSize = try memory.load(UInt64.self, at: type &+ layout.typeBasicSize)
        guard let version = NumpyLayout.Descriptor(dtypeBasicSize: dtypeSize) else {
            throw .inconsistent(pid: 0, detail: "descriptor at 0x\(String(descriptor, radix: 16)) is of no known numpy")
        }
        let at = descriptor &+ version.elementSizeOffset
        if version == .v1 { return UInt64(clamping: try memory.load(Int32.self, at: at)) }
        return UInt64(clamping: try memory.load(Int64.self, at: at))
    }
}
