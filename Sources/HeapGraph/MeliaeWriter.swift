import SafeFiles
import SystemPackage

/// Writes a graph in meliae's JSON lines format, readable by meliae's
/// `loader.load` and by `MeliaeReader`.
public enum MeliaeWriter {
    /// Writes `graph` to `path` through a temporary file renamed into place, mode 0600.
    public static func write(_ graph: HeapGraph, to path: String) throws(SnapshotError) {
        let moduleNames = Dictionary(
            graph.roots.filter { $0.kind == "module" }.map { (Int($0.object), $0.name) },
            uniquingKeysWith: { first, _ in first }
        )
        do { try AtomicOutput.write(to: path) { (out: inout OutputBuffer) throws(FileSafetyError) in
            for i in 0..<graph.count {
                out.append("{\"address\": ")
                out.append(String(graph.addresses[i]))
                out.append(", \"type\": ")
                out.appendJSONString(graph.typeName(of: i))
                out.append(", \"size\": ")
                out.append(String(graph.sizes[i]))
                if let length = graph.length(of: i) {
                    out.append(", \"len\": ")
                    out.append(String(length))
                }
                switch graph.values.value(of: i) {
                case .text(let s, _)?:
                    out.append(", \"value\": ")
                    out.appendJSONString(s)
                case .bytes(let b, _)?:
                    out.append(", \"value\": ")
                    out.appendJSONString(String(decoding: b, as: UTF8.self))
                case .int(let v)?:
                    out.append(", \"value\": ")
                    out.append(String(v))
                case .float(let v)?:
                    out.append(", \"value\": ")
                    out.append(v.isFinite ? "\(v)" : "null")
                case nil: break
                }
                if let name = moduleNames[i] {
                    out.append(", \"name\": ")
                    out.appendJSONString(name)
                }
                out.append(", \"refs\": [")
                var first = true
                for target in graph.referents(of: i) {
                    if !first { out.append(", ") }
                    first = false
                    out.append(String(graph.addresses[Int(target)]))
                }
                out.append("]}\n")
                try out.flushIfFull()
            }
        } } catch {
            throw SnapshotError(path: path, offset: nil, reason: error.reason)
        }
    }
}

extension HeapGraph {
    /// `len()` of object `index` where the snapshot tells it: str and bytes
    /// from their recorded length, list/tuple/set/frozenset/dict from their referents.
    public func length(of index: Int) -> Int? {
        switch values.value(of: index) {
        case .text(_, let length)?, .bytes(_, let length)?: return length
        default: break
        }
        switch typeName(of: index) {
        case "list", "tuple", "set", "frozenset": return referents(of: index).count
        case "dict": return referents(of: index).count / 2
        default: return nil
        }
    }
}
