import Foundation
import ProcFS
import PythonProcess

/// What one scrape read of one process.
struct TargetReading {
    var identity: TargetIdentity
    /// Nil when the memory could not be read (``memoryError`` says why).
    var sample: ProcessSample?
    var memoryError: String?
    var census: CensusCache.Entry?
    /// How long reading this process took, in seconds.
    var durationSeconds: Double
}

/// Reads the selected processes on every scrape and renders them in the
/// Prometheus text format. Footprint (`smaps_rollup`, `stat`) is read on every
/// scrape; the census comes from ``CensusCache``, refreshed by ``runCensusLoop()``.
/// Reads only: it never writes to a process or a file.
public final class MetricsExporter: @unchecked Sendable {
    public let selector: TargetSelector
    public let topTypes: Int
    let censuses: CensusCache
    private let lock = NSLock()
    private var identities: [Int32: TargetIdentity] = [:]
    /// One scrape at a time; requests that arrive meanwhile share its result.
    private let scrapeLock = NSLock()
    private var latest: (at: ContinuousClock.Instant, body: [UInt8])?
    /// Scrapes within this of the last one share its reading (a burst of
    /// requests costs one read of `/proc`; Prometheus's own scrapes, seconds
    /// apart, always read anew).
    public var reuseWindow: Duration = .milliseconds(250)

    public init(selector: TargetSelector, censusEvery: Duration, topTypes: Int) {
        self.selector = selector
        self.topTypes = topTypes
        censuses = CensusCache(interval: censusEvery)
    }

    /// The `/metrics` body: a new scrape, or the last one if it is younger
    /// than ``reuseWindow`` (also when it finished while this request waited for it).
    public func metrics() -> [UInt8] {
        scrapeLock.withLock {
            if let latest, ContinuousClock.now - latest.at < reuseWindow { return latest.body }
            let body = scrape()
            latest = (ContinuousClock.now, body)
            return body
        }
    }

    /// One scrape: reads every selected process and renders.
    func scrape() -> [UInt8] {
        let start = ContinuousClock.now
        let readings = read()
        return MetricsExposition.render(readings, topTypes: topTypes, scrapeSeconds: (ContinuousClock.now - start).seconds)
    }

    /// Reads every selected process once; processes that are gone are left out.
    func read() -> [TargetReading] {
        var readings: [TargetReading] = []
        for pid in selector.select() {
            let start = ContinuousClock.now
            let stat: ProcessStat
            do { stat = try ProcReader.stat(pid: pid) } catch { continue }  // gone: no series
            if stat.isZombie || stat.isKernelThread { continue }
            let identity = identity(pid: pid, stat: stat)
            var reading = TargetReading(identity: identity, sample: nil, memoryError: nil, census: nil, durationSeconds: 0)
            do {
                reading.sample = try ProcessSample.read(pid: pid)
            } catch .permissionDenied {
                reading.memoryError = "permission_denied"
            } catch {
                continue  // it exited while being read
            }
            reading.census = censuses.entry(for: TargetKey(pid: pid, startTicks: stat.startTicks))
            reading.durationSeconds = (ContinuousClock.now - start).seconds
            readings.append(reading)
        }
        lock.withLock { identities = identities.filter { pid, _ in readings.contains { $0.identity.pid == pid } } }
        return readings
    }

    /// The identity of `pid`, read once per process (start time) and kept.
    func identity(pid: Int32, stat: ProcessStat) -> TargetIdentity {
        if let known = lock.withLock({ identities[pid] }), known.startTicks == stat.startTicks { return known }
        let identity = TargetIdentity.read(pid: pid, stat: stat)
        lock.withLock { identities[pid] = identity }
        return identity
    }

    /// Starts a thread of its own (a census blocks while it copies) that takes
    /// due censuses of the selected processes, looking every second, for the
    /// life of the process.
    public func startCensusThread() {
        let thread = Thread { [self] in
            while true {
                let keys = selector.select().compactMap { pid -> TargetKey? in
                    guard let stat = try? ProcReader.stat(pid: pid), !stat.isZombie, !stat.isKernelThread else { return nil }
                    return TargetKey(pid: pid, startTicks: stat.startTicks)
                }
                censuses.refresh(keys)
                Thread.sleep(forTimeInterval: 1)
            }
        }
        thread.name = "memlens-census"
        thread.start()
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
