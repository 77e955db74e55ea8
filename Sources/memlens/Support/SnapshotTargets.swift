import ArgumentParser
import HeapAnalysis
import HeapGraph
import Reports

/// The objects a `--type` or `--address` option names; a clear error (exit 1) when there are none.
func resolveTargets(in graph: HeapGraph, file: String, type: String?, address: String?, limit: Int) throws -> [Int] {
    if let address, let value = parseAddress(address) {
        guard let index = AddressLookup(graph).index(of: value) else {
            printError("error: \(file): no object at address \(EdgeLabels.hex(value)) in this snapshot")
            throw ExitCode.failure
        }
        return [index]
    }
    switch TypeNameMatch(type ?? "", in: graph.typeNames) {
    case .found(let name):
        let typeID = graph.typeNames.firstIndex(of: name).map(UInt32.init)
        return Array((0..<graph.count).lazy.filter { graph.typeIDs[$0] == typeID }.prefix(limit))
    case .ambiguous(let names):
        printError("error: \(file): type '\(type ?? "")' is ambiguous: \(names.joined(separator: ", ")) (give the full name)")
    case .missing(let similar):
        let hint = similar.isEmpty ? "" : " (did you mean: \(similar.joined(separator: ", "))?)"
        printError("error: \(file): no objects of type '\(type ?? "")'" + hint)
    }
    throw ExitCode.failure
}

/// Parses `0x7f…` or `7f…` (hex) into an address.
func parseAddress(_ text: String) -> UInt64? {
    let digits = text.lowercased().hasPrefix("0x") ? String(text.dropFirst(2)) : text
    return UInt64(digits, radix: 16)
}
