/// One module's import cost, as the agent hook (`python/memlens/imports.py`)
/// recorded it: cumulative figures include the imports it triggered.
public struct ImportNode: Sendable, Decodable {
    public var name: String
    /// Wall time from the loader's `create_module` to the end of `exec_module`,
    /// without the hook's own probes, in nanoseconds.
    public var cumulativeNanoseconds: Int64
    /// Change in Private_Dirty (bytes); may be negative when memory was released.
    public var cumulativeBytes: Int64
    /// Change in RSS (bytes).
    public var cumulativeRSSBytes: Int64
    /// Net change in `sys.getallocatedblocks()`: blocks (≈ objects) created and kept.
    public var objects: Int64
    /// Whether the import raised.
    public var failed: Bool
    public var children: [ImportNode]

    enum CodingKeys: String, CodingKey {
        case name, objects, children, failed
        case cumulativeNanoseconds = "cumulative_ns"
        case cumulativeBytes = "cumulative_bytes"
        case cumulativeRSSBytes = "cumulative_rss_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        cumulativeNanoseconds = try c.decode(Int64.self, forKey: .cumulativeNanoseconds)
        cumulativeBytes = try c.decode(Int64.self, forKey: .cumulativeBytes)
        cumulativeRSSBytes = try c.decodeIfPresent(Int64.self, forKey: .cumulativeRSSBytes) ?? 0
        objects = try c.decode(Int64.self, forKey: .objects)
        failed = try c.decodeIfPresent(Bool.self, forKey: .failed) ?? false
        children = try c.decode([ImportNode].self, forKey: .children)
    }

    /// Memory of this module alone: cumulative minus its imports' cumulative.
    /// (The figures come from the agent inside the measured program: they wrap rather than trap.)
    public var selfBytes: Int64 { cumulativeBytes &- children.reduce(0) { $0 &+ $1.cumulativeBytes } }
    public var selfNanoseconds: Int64 { cumulativeNanoseconds &- children.reduce(0) { $0 &+ $1.cumulativeNanoseconds } }
    public var selfObjects: Int64 { objects &- children.reduce(0) { $0 &+ $1.objects } }

    /// This node and its children, each level sorted by cumulative memory (largest first).
    public func sortedByMemory() -> ImportNode {
        var copy = self
        copy.children = ImportProfile.sortByMemory(children.map { $0.sortedByMemory() })
        return copy
    }
}

/// What `memlens imports` read back from the target.
public struct ImportProfile: Sendable, Decodable {
    /// `3.11.7`.
    public var python: String
    public var pid: Int32
    /// How memory was read: `smaps_rollup` (Private_Dirty), `statm` (resident − file pages) or `none`.
    public var probe: String
    /// From the hook's start to interpreter exit, in nanoseconds.
    public var totalNanoseconds: Int64
    /// Top-level imports (those not triggered by another recorded import), in order.
    public var modules: [ImportNode]

    enum CodingKeys: String, CodingKey {
        case python, pid, probe, modules
        case totalNanoseconds = "total_ns"
    }

    /// Σ cumulative memory (bytes) and time (nanoseconds) of the top-level imports.
    public var totalBytes: Int64 { modules.reduce(0) { $0 &+ $1.cumulativeBytes } }
    public var totalImportNanoseconds: Int64 { modules.reduce(0) { $0 &+ $1.cumulativeNanoseconds } }

    /// Every module imported, at any depth.
    public var moduleCount: Int { Self.count(modules) }

    /// Every module with its parent's name and depth, largest cumulative memory
    /// first (ties in import order).
    public func flattened() -> [(node: ImportNode, parent: String?, depth: Int)] {
        var rows: [(node: ImportNode, parent: String?, depth: Int)] = []
        func add(_ node: ImportNode, parent: String?, depth: Int) {
            rows.append((node, parent, depth))
            for child in node.children { add(child, parent: node.name, depth: depth + 1) }
        }
        for root in modules { add(root, parent: nil, depth: 0) }
        return rows.enumerated().sorted {
            $0.element.node.cumulativeBytes != $1.element.node.cumulativeBytes
                ? $0.element.node.cumulativeBytes > $1.element.node.cumulativeBytes : $0.offset < $1.offset
        }.map(\.element)
    }

    static func count(_ nodes: [ImportNode]) -> Int { nodes.reduce(0) { $0 + 1 + count($1.children) } }

    /// The tree with every level sorted by cumulative memory, largest first.
    public var sortedByMemory: [ImportNode] { Self.sortByMemory(modules.map { $0.sortedByMemory() }) }

    static func sortByMemory(_ nodes: [ImportNode]) -> [ImportNode] {
        nodes.enumerated().sorted {
            let (a, b) = ($0.element, $1.element)
            if a.cumulativeBytes != b.cumulativeBytes { return a.cumulativeBytes > b.cumulativeBytes }
            if a.cumulativeNanoseconds != b.cumulativeNanoseconds { return a.cumulativeNanoseconds > b.cumulativeNanoseconds }
            return $0.offset < $1.offset
        }.map(\.element)
    }
}
