import Foundation

/// `/proc/PID/smaps_rollup` parsed the plain way (independently of ProcFS), in bytes.
public func kernelRollup(_ pid: Int32) throws -> [String: UInt64] {
    let text = try String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)
    var fields: [String: UInt64] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0].hasSuffix(":"), let kB = UInt64(parts[1]) else { continue }
        fields[String(parts[0].dropLast())] = kB * 1024
    }
    return fields
}
