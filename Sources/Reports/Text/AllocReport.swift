public import ProcessModels
/// `memlens alloc` output: allocation sites ranked by growth.
public enum AllocReport {
    public static func text(_ observation: AllocObservation, pid: Int32) -> String {
        if observation.lost == true {
            return "tracemalloc was no longer tracing in process \(pid) when memlens came back (stopped by the program, or the window " +
                "outlived its deadline)\n"
        }
        let how = observation.baseline == true
            ? "tracemalloc was already tracing: growth since a baseline snapshot"
            : "tracemalloc started by memlens (and stopped again): everything still allocated that was allocated in the window"
        var out = "process \(pid): \(GCReport.decimal(observation.seconds ?? 0)) s, \(how); \(observation.depth ?? 1) frames per " +
            "allocation\n"
        out += "growth in all: \(signed(observation.totalSizeDiff ?? 0))\n\n"
        var table = TextTable(headers: ["size", "blocks", "site"], leftAligned: [2])
        for site in observation.sites ?? [] {
            table.rows.append([signed(site.sizeDiff), String(site.countDiff), "\(site.file):\(site.line)"])
            let callers = site.traceback.dropLast().suffix(4).reversed()
            for caller in callers { table.rows.append(["", "", "  called from " + caller]) }
        }
        return out + table.render()
    }

    public static func json(_ observation: AllocObservation, pid: Int32) throws -> String {
        struct Site: Encodable {
            var file: String; var line: Int; var sizeDiff: Int; var countDiff: Int; var traceback: [String]

            enum CodingKeys: String, CodingKey {
                case file, line, traceback, sizeDiff = "size_diff", countDiff = "count_diff"
            }
        }
        struct Document: Encodable {
            var pid: Int32; var seconds: Double; var depth: Int; var startedTracing: Bool; var baseline: Bool
            var totalSizeDiff: Int; var lost: Bool; var sites: [Site]

            enum CodingKeys: String, CodingKey {
                case pid, seconds, depth, baseline, lost, sites, startedTracing = "started_tracing"
                case totalSizeDiff = "total_size_diff"
            }
        }
        let sites = (observation.sites ?? []).map {
            Site(file: $0.file, line: $0.line, sizeDiff: $0.sizeDiff, countDiff: $0.countDiff, traceback: $0.traceback)
        }
        return try JSONOutput.string(Document(
            pid: pid, seconds: observation.seconds ?? 0, depth: observation.depth ?? 0,
            startedTracing: observation.startedTracing ?? false,
            baseline: observation.baseline ?? false, totalSizeDiff: observation.totalSizeDiff ?? 0, lost: observation.lost ?? false,
            sites: sites))
    }

    static func signed(_ bytes: Int) -> String {
        (bytes < 0 ? "-" : "+") + ByteFormat.string(UInt64(bytes.magnitude))
    }
}
