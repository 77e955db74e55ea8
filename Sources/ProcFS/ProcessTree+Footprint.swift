/// One process of a `footprint --children` walk.
public struct TreeMember: Sendable {
    public var link: ProcessLink
    public var footprint: Footprint
    /// How many mappings the process has (`/proc/PID/maps` lines), if counted.
    public var mappingCount: Int?

    public init(link: ProcessLink, footprint: Footprint, mappingCount: Int? = nil) {
        self.link = link
        self.footprint = footprint
        self.mappingCount = mappingCount
    }
}

extension ProcessTree {
    /// The totals (smaps_rollup) and mapping count of `root` and each of its
    /// descendants, parents first; `skipped` are descendants that exited
    /// during the walk (listed as not counted, not hidden). Errors on `root` are thrown.
    public static func footprints(of root: Int32) throws(ProcFSError) -> (members: [TreeMember], skipped: [Int32]) {
        var members: [TreeMember] = []
        var skipped: [Int32] = []
        for link in try descendants(of: root) {
            let footprint: Footprint
            do {
                footprint = try FootprintReader().read(pid: link.pid, detail: .totals)
            } catch {
                switch error {
                case .noSuchProcess, .zombie, .exitedDuringRead:
                    if link.pid == root { throw error }
                    skipped.append(link.pid)
                    continue
                default: throw error
                }
            }
            // A count of maps lines: no page-table walk, unlike smaps.
            members.append(TreeMember(link: link, footprint: footprint, mappingCount: try? ProcReader.mappingCount(pid: link.pid)))
        }
        return (members, skipped)
    }
}
