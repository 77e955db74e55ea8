extension TypeSizing {
    /// Where the `__sizeof__` a type's instances get is defined.
    enum SizeofKind {
        /// In C: a method descriptor of the owner itself.
        case c
        /// In Python (or any other callable stored as `__sizeof__`): not modelled.
        case python
        /// A built-in static type of 3.12+ (its dict is kept in the interpreter) or a chain too deep: known by name only.
        case unknown
    }

    /// The type whose dict defines the `__sizeof__` of `type`'s instances,
    /// following `tp_base` (`__sizeof__` comes from the single-inheritance
    /// layout chain), and how it is defined. A type without a readable dict ends the search.
    static func sizeofOwner(_ type: UInt64, reader: ObjectReader) throws(ProcessAccessError) -> (type: UInt64, kind: SizeofKind) {
        let layout = reader.layout
        var current = type
        for _ in 0..<64 {
            let dict = try reader.word(current &+ layout.typeDict)
            guard dict != 0 else { return (current, .unknown) }
            if let method = try reader.lookup("__sizeof__", inDict: dict) {
                // `__sizeof__ = list.__sizeof__` in a class is no C rule of the class: the descriptor's d_type tells.
                guard method != 0, try reader.typeName(reader.typeOf(method)) == "method_descriptor" else { return (current, .python) }
                return (current, try reader.word(method &+ layout.objects.descriptorType) == current ? .c : .python)
            }
            let base = try reader.word(current &+ layout.typeBase)
            if base == 0 { return (current, .unknown) }
            current = base
        }
        return (current, .unknown)
    }
}
