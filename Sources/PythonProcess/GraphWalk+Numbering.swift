import HeapGraph

extension GraphWalk {
    /// A walk's graph before its referents are numbered, with what numbers
    /// them (no copied bytes): the objects are exactly the members of
    /// ``known``, so a member's rank in address order, mapped to the order the
    /// objects were added in, is its index. No sort, no table keyed by address.
    struct Numbering {
        var builder: HeapGraphBuilder
        let known: AddressSet
        let words: HeapCopy.WordNumbering
        /// Referents the walk left out (no objects).
        let unresolved: Int

        /// The graph, its referent keys (word indices) turned into object indices.
        consuming func finish() -> HeapGraph {
            let ranks = known.ranks()
            var order = [UInt32](repeating: .max, count: known.count)
            var hint = 0
            for (i, address) in builder.objectAddresses.enumerated() {
                if let word = words.wordIndex(address, hint: &hint), let rank = ranks.rank(ofPosition: word) { order[rank] = UInt32(i) }
            }
            func index(ofWord word: Int) -> UInt32? {
                guard let rank = ranks.rank(ofPosition: word), order[rank] != .max else { return nil }
                return order[rank]
            }
            let words = words
            builder.resolveReferents(unresolved: unresolved, renumber: { keys in
                for e in keys.indices { keys[e] = index(ofWord: Int(keys[e])) ?? .max }
            }, address: { words.wordIndex($0, hint: &hint).flatMap(index(ofWord:)) })
            return builder.finish()
        }
    }
}
