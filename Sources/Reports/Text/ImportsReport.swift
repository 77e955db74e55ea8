public import ProcessModels
import Foundation

/// `memlens imports`: the import tree with memory and time, and its `--json` form.
public enum ImportsReport {
    /// The tree, every level sorted by cumulative memory; `maxDepth` levels (nil: all).
    public static func text(_ profile: ImportProfile, command: [String], maxDepth: Int?) -> String {
        var out = "Import cost of: \(command.joined(separator: " "))\n"
        out += "Python \(profile.python), pid \(profile.pid). Memory: change in \(probeDescription(profile.probe)); "
            + "blocks: net change in sys.getallocatedblocks() (≈ objects kept).\n"
        var table = TextTable(headers: ["Self mem", "Cum mem", "Self ms", "Cum ms", "Blocks", "Module"], leftAligned: [5])
        func add(_ node: ImportNode, depth: Int) {
            table.rows.append([
                signedBytes(node.selfBytes), signedBytes(node.cumulativeBytes),
                milliseconds(node.selfNanoseconds), milliseconds(node.cumulativeNanoseconds),
                String(node.objects),
                String(repeating: "  ", count: depth) + node.name + (node.failed ? " (failed)" : ""),
            ])
            if let maxDepth, depth + 1 >= maxDepth { return }
            for child in node.children { add(child, depth: depth + 1) }
        }
        let roots = profile.sortedByMemory
        for root in roots { add(root, depth: 0) }
        out += table.render()
        out += "\(profile.moduleCount) modules imported: \(signedBytes(profile.totalBytes)), "
            + "\(milliseconds(profile.totalImportNanoseconds)) ms\n"
        return out
    }

    struct Row: Encodable {
        var name: String
        var parent: String?
        var depth: Int
        var selfBytes: Int64, cumulativeBytes: Int64, cumulativeRSSBytes: Int64
        var selfMicroseconds: Int64, cumulativeMicroseconds: Int64
        var objects: Int64, selfObjects: Int64
        var failed: Bool

        enum CodingKeys: String, CodingKey {
            case name, parent, depth, objects, failed
            case selfBytes = "self_bytes", cumulativeBytes = "cumulative_bytes", cumulativeRSSBytes = "cumulative_rss_bytes"
            case selfMicroseconds = "self_us", cumulativeMicroseconds = "cumulative_us", selfObjects = "self_objects"
        }

        // Written by hand so a top-level module has `"parent": null` rather than no key.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            if let parent { try c.encode(parent, forKey: .parent) } else { try c.encodeNil(forKey: .parent) }
            try c.encode(depth, forKey: .depth)
            try c.encode(selfBytes, forKey: .selfBytes)
            try c.encode(cumulativeBytes, forKey: .cumulativeBytes)
            try c.encode(cumulativeRSSBytes, forKey: .cumulativeRSSBytes)
            try c.encode(selfMicroseconds, forKey: .selfMicroseconds)
            try c.encode(cumulativeMicroseconds, forKey: .cumulativeMicroseconds)
            try c.encode(objects, forKey: .objects)
            try c.encode(selfObjects, forKey: .selfObjects)
            try c.encode(failed, forKey: .failed)
        }
    }
    struct Document: Encodable {
        var python: String
        var pid: Int32
        var probe: String
        var command: [String]
        var modules: [Row]
    }

    /// `{"python", "pid", "probe", "command", "modules": [{"name", "parent", "depth",
    /// "self_bytes", "cumulative_bytes", "cumulative_rss_bytes", "self_us", "cumulative_us",
    /// "objects" (cumulative net blocks), "self_objects", "failed"}]}`: every module,
    /// largest cumulative memory first; bytes are Private_Dirty deltas.
    public static func json(_ profile: ImportProfile, command: [String]) throws -> String {
        let rows = profile.flattened().map { node, parent, depth in
            Row(name: node.name, parent: parent, depth: depth,
                selfBytes: node.selfBytes, cumulativeBytes: node.cumulativeBytes, cumulativeRSSBytes: node.cumulativeRSSBytes,
                selfMicroseconds: node.selfNanoseconds / 1000, cumulativeMicroseconds: node.cumulativeNanoseconds / 1000,
                objects: node.objects, selfObjects: node.selfObjects, failed: node.failed)
        }
        return try JSONOutput.string(Document(python: profile.python, pid: profile.pid, probe: profile.probe, command: command,
            modules: rows))
    }

    static func probeDescription(_ probe: String) -> String {
        switch probe {
        case "smaps_rollup": return "Private_Dirty (smaps_rollup)"
        case "statm": return "resident anonymous pages (statm)"
        default: return "nothing (no /proc: memory not measured)"
        }
    }

    static func signedBytes(_ value: Int64) -> String {
        value < 0 ? "-" + ByteFormat.string(UInt64(-value)) : ByteFormat.string(UInt64(value))
    }

    static func milliseconds(_ nanoseconds: Int64) -> String {
        ByteFormat.formatDecimal(Double(nanoseconds) / 1_000_000, places: 1)
    }
}
