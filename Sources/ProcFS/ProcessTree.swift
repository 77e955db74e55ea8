#if canImport(Glibc)
import Glibc
#endif

/// A process and its parent, as found while walking a process tree.
public struct ProcessLink: Sendable, Equatable {
    public var pid: Int32
    public var parentPID: Int32
    /// Depth below the root (the root is 0).
    public var depth: Int
}

/// Finds the descendants of a process.
public enum ProcessTree {
    /// `root` and all its descendants, parents before children (depth-first).
    /// Reads the ppid field of every `/proc/*/stat` (one pass), which works
    /// on kernels without `CONFIG_PROC_CHILDREN` (no `task/*/children`).
    public static func descendants(of root: Int32) throws(ProcFSError) -> [ProcessLink] {
        let rootStat = try ProcReader.stat(pid: root)
        if rootStat.isZombie { throw .zombie(pid: root) }
        let children = childMap()
        var result: [ProcessLink] = []
        var stack: [(Int32, Int32, Int)] = [(root, rootStat.parentPID, 0)]
        var seen: Set<Int32> = []
        while let (pid, parent, depth) = stack.popLast() {
            guard seen.insert(pid).inserted else { continue }
            result.append(ProcessLink(pid: pid, parentPID: parent, depth: depth))
            for child in (children[pid] ?? []).sorted().reversed() { stack.append((child, pid, depth + 1)) }
        }
        return result
    }

    /// Every process's children, from one pass over `/proc/*/stat` (thread-group leaders only).
    static func childMap() -> [Int32: [Int32]] {
        var map: [Int32: [Int32]] = [:]
        for pid in allPIDs() {
            guard let stat = try? ProcReader.stat(pid: pid) else { continue }  // exited meanwhile
            map[stat.parentPID, default: []].append(pid)
        }
        return map
    }

    /// The pids listed in `/proc`.
    public static func allPIDs() -> [Int32] {
        ProcReader.numericEntries("/proc") ?? []
    }
}

extension ProcReader {
    /// The entries of folder `path` whose names are numbers (pids, thread
    /// ids), in the order the kernel lists them; nil when it cannot be opened.
    static func numericEntries(_ path: String) -> [Int32]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var pids: [Int32] = []
        while let entry = readdir(dir) {
            let pid: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32? in
                var value: Int32 = 0
                var any = false
                for byte in raw {
                    if byte == 0 { break }
                    guard byte &- 0x30 <= 9 else { return nil }
                    value = value &* 10 &+ Int32(byte &- 0x30)
                    any = true
                }
                return any ? value : nil
            }
            if let pid { pids.append(pid) }
        }
        return pids
    }
}
