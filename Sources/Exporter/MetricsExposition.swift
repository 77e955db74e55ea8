import Prometheus
import ProcFS
import ProcessModels
import PythonProcess

/// Renders scrape readings as Prometheus text with a registry built for this
/// scrape alone, so a process that exited leaves no series behind. Names
/// follow Prometheus's conventions: base units, `_total` on counters, help on all.
enum MetricsExposition {
    static func render(_ readings: [TargetReading], topTypes: Int, scrapeSeconds: Double) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()
        registry.makeGauge(descriptor: MetricNames.targets).set(Double(readings.count))
        for reading in readings {
            emit(reading, topTypes: topTypes, into: registry)
        }
        registry.makeGauge(descriptor: MetricNames.scrapeDuration).set(scrapeSeconds)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096 + readings.count * 8192)
        registry.emit(into: &buffer)
        return buffer
    }

    /// Adds series to a registry, each with a process's labels.
    struct Series {
        let registry: PrometheusCollectorRegistry
        let labels: [(String, String)]

        func gauge(_ name: MetricNameDescriptor, _ value: Double, _ extra: [(String, String)] = []) {
            registry.makeGauge(descriptor: name, labels: labels + extra).set(value)
        }

        func gauge(_ name: MetricNameDescriptor, _ value: some BinaryInteger, _ extra: [(String, String)] = []) {
            gauge(name, Double(value), extra)
        }

        func counter(_ name: MetricNameDescriptor, _ value: some BinaryInteger, _ extra: [(String, String)] = []) {
            registry.makeCounter(descriptor: name, labels: labels + extra).increment(by: Int64(clamping: value))
        }
    }

    private static func emit(_ reading: TargetReading, topTypes: Int, into registry: PrometheusCollectorRegistry) {
        let series = Series(registry: registry, labels: reading.identity.labels)
        series.gauge(MetricNames.up, reading.sample == nil ? 0 : 1)
        if let reason = reading.memoryError {
            series.gauge(MetricNames.readError, 1, [("source", "memory"), ("reason", reason)])
        }
        series.gauge(MetricNames.targetDuration, reading.durationSeconds)
        if let sample = reading.sample {
            let memory = sample.memory
            series.gauge(MetricNames.rss, memory.rssBytes)
            series.gauge(MetricNames.pss, memory.pssBytes)
            series.gauge(MetricNames.uss, memory.ussBytes)
            series.gauge(MetricNames.writable, memory.writableBytes)
            series.gauge(MetricNames.swap, memory.swapBytes)
            series.counter(MetricNames.minorFaults, sample.stat.minorFaults)
            series.counter(MetricNames.majorFaults, sample.stat.majorFaults)
            series.gauge(MetricNames.threads, sample.stat.threadCount)
        }
        guard let entry = reading.census else { return }
        if let reason = entry.errorReason {
            series.gauge(MetricNames.readError, 1, [("source", "census"), ("reason", reason)])
        }
        guard let census = entry.result else { return }
        emit(census, age: (ContinuousClock.now - entry.takenAt).seconds, topTypes: topTypes, series: series)
    }

    private static func emit(_ census: CensusResult, age: Double, topTypes: Int, series: Series) {
        series.gauge(MetricNames.censusAge, age)
        series.gauge(MetricNames.censusPause, census.pauseMilliseconds / 1000)
        for (index, generation) in census.generations.enumerated() {
            let label = [("generation", String(index))]
            series.gauge(MetricNames.gcObjects, generation.objects, label)
            if let collections = generation.collections { series.counter(MetricNames.gcCollections, collections, label) }
        }
        series.gauge(MetricNames.gcFrozen, census.permanentObjects)
        for row in TypeRows.top(census.types, count: topTypes) {
            series.gauge(MetricNames.typeObjects, row.count, [("type", row.type)])
            series.gauge(MetricNames.typeSize, row.size, [("type", row.type)])
        }
        if let arenas = census.arenas {
            series.gauge(MetricNames.arenaAllocated, arenas.bytes)
            series.gauge(MetricNames.arenaUsed, arenas.usedBytes)
            if let pinned = arenas.pinnedBytes { series.gauge(MetricNames.arenaPinned, pinned) }
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
            rows.append(Row(type: "other", count: rest.reduce(0) { $0 + $1.count }, size: rest.map(\.size).saturatedSum()))
        }
        return rows
    }

    /// A type name read from the target is untrusted: at most 128 characters.
    static func bounded(_ name: String) -> String { name.count > 128 ? String(name.prefix(128)) : name }
}
