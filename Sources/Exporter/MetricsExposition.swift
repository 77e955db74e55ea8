import Prometheus
import ProcFS
import PythonProcess

/// Renders scrape readings as Prometheus text with a registry built for this
/// scrape alone, so a process that exited leaves no series behind. Names
/// follow Prometheus's conventions: base units, `_total` on counters, help on all.
enum MetricsExposition {
    static func render(_ readings: [TargetReading], topTypes: Int, scrapeSeconds: Double) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(name: "memlens_targets", help: "Processes selected and readable at this scrape.")
            .set(Double(readings.count))
        for reading in readings {
            emit(reading, topTypes: topTypes, into: registry)
        }
        registry.makeGauge(name: "memlens_scrape_duration_seconds", help: "Time this whole scrape took, in seconds.")
            .set(scrapeSeconds)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096 + readings.count * 8192)
        registry.emit(into: &buffer)
        return buffer
    }

    private static func emit(_ reading: TargetReading, topTypes: Int, into registry: PrometheusCollectorRegistry) {
        let labels = reading.identity.labels
        func gauge(_ name: String, _ help: String, _ value: Double, _ extra: [(String, String)] = []) {
            registry.makeGauge(name: name, labels: labels + extra, help: help).set(value)
        }
        func counter(_ name: String, _ help: String, _ value: Int, _ extra: [(String, String)] = []) {
            registry.makeCounter(name: name, labels: labels + extra, help: help).increment(by: Int64(max(0, value)))
        }
        gauge("memlens_target_up", "1 if the process's memory was read at this scrape, 0 if it may not be read.",
              reading.sample == nil ? 0 : 1)
        if let reason = reading.memoryError {
            gauge("memlens_target_read_error", "A part of the process that could not be read (source), and why (reason).", 1,
                  [("source", "memory"), ("reason", reason)])
        }
        gauge("memlens_target_scrape_duration_seconds", "Time reading this process took at this scrape, in seconds.",
              reading.durationSeconds)
        if let sample = reading.sample {
            let memory = sample.memory
            gauge("memlens_process_resident_memory_bytes", "Resident set size (RSS) from smaps_rollup, in bytes.", Double(memory.rssBytes))
            gauge("memlens_process_proportional_memory_bytes", "Proportional set size (PSS) from smaps_rollup, in bytes.", Double(memory.pssBytes))
            gauge("memlens_process_unique_memory_bytes", "Unique set size (USS: private clean + private dirty), in bytes.", Double(memory.ussBytes))
            gauge("memlens_process_writable_memory_bytes", "Writable memory (Private_Dirty), in bytes.", Double(memory.writableBytes))
            gauge("memlens_process_swap_bytes", "Swapped-out memory from smaps_rollup, in bytes.", Double(memory.swapBytes))
            counter("memlens_process_minor_page_faults_total", "Minor page faults since the process started.", Int(clamping: sample.stat.minorFaults))
            counter("memlens_process_major_page_faults_total", "Major page faults since the process started.", Int(clamping: sample.stat.majorFaults))
            gauge("memlens_process_threads", "OS threads of the process.", Double(sample.stat.threadCount))
        }
        guard let entry = reading.census else { return }
        if let reason = entry.errorReason {
            gauge("memlens_target_read_error", "A part of the process that could not be read (source), and why (reason).", 1,
                  [("source", "census"), ("reason", reason)])
        }
        guard let census = entry.result else { return }
        emit(census, age: (ContinuousClock.now - entry.takenAt).seconds, topTypes: topTypes, gauge: gauge, counter: counter)
    }

    private static func emit(_ census: CensusResult, age: Double, topTypes: Int,
                             gauge: (String, String, Double, [(String, String)]) -> Void,
                             counter: (String, String, Int, [(String, String)]) -> Void) {
        gauge("memlens_census_age_seconds", "Seconds since the cached census was taken.", age, [])
        gauge("memlens_census_pause_seconds", "How long the last census stopped the process, in seconds.", census.pause_ms / 1000, [])
        for (index, generation) in census.generations.enumerated() {
            let label = [("generation", String(index))]
            gauge("memlens_python_gc_objects", "Objects tracked in each collector generation.", Double(generation.objects), label)
            if let collections = generation.collections {
                counter("memlens_python_gc_collections_total", "Collections of each generation since start-up.", collections, label)
            }
        }
        gauge("memlens_python_gc_frozen_objects", "Objects in the permanent generation (gc.freeze()).", Double(census.permanent_objects), [])
        for row in TypeRows.top(census.types, count: topTypes) {
            let label = [("type", row.type)]
            gauge("memlens_python_type_objects", "GC-tracked objects of each type; the types past the top N are summed as type=\"other\".",
                  Double(row.count), label)
            gauge("memlens_python_type_size_bytes", "sys.getsizeof summed over each type's objects, in bytes; past the top N summed as type=\"other\".",
                  Double(row.size), label)
        }
        if let arenas = census.arenas {
            gauge("memlens_pymalloc_arena_allocated_bytes", "Size of pymalloc's allocated arenas, in bytes.", Double(arenas.bytes), [])
            gauge("memlens_pymalloc_arena_used_bytes", "Bytes in allocated pymalloc blocks, in bytes.", Double(arenas.used_bytes), [])
            if let pinned = arenas.pinned_bytes {
                gauge("memlens_pymalloc_arena_pinned_bytes", "Size of arenas at most 10% used (kept mapped by a few blocks), in bytes.",
                      Double(pinned), [])
            }
        }
    }
}

/// The top types by size and the rest summed as `other`: bounded cardinality.
enum TypeRows {
    struct Row: Equatable { var type: String; var count: Int; var size: UInt64 }

    static func top(_ types: [CensusResult.TypeCount], count: Int) -> [Row] {
        let sorted = types.sorted { ($0.size, $0.count, $1.type) > ($1.size, $1.count, $0.type) }
        var rows = sorted.prefix(count).map { Row(type: bounded($0.type), count: $0.count, size: $0.size) }
        let rest = sorted.dropFirst(count)
        if !rest.isEmpty {
            rows.append(Row(type: "other", count: rest.reduce(0) { $0 + $1.count }, size: rest.reduce(0) { $0 + $1.size }))
        }
        return rows
    }

    /// A type name read from the target is untrusted: at most 128 characters.
    static func bounded(_ name: String) -> String { name.count > 128 ? String(name.prefix(128)) : name }
}
