import ArgumentParser
import Exporter
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Export Python processes' memory as Prometheus metrics on /metrics (read-only).",
        discussion: """
            One set of series per selected process, labelled pid, name (from its
            command line) and python (its version): memory from smaps_rollup and
            page faults from stat, read at every scrape; the collector, objects and
            bytes by type (the top N, the rest as type="other") and pymalloc's
            arenas from a read-only census, taken in the background at most every
            --census-every (it stops the process briefly). Processes are selected
            again at every scrape: those that exit disappear, new matches appear.
            A process that may not be read shows memlens_target_up 0 and a
            memlens_target_read_error series. Serves only /metrics (GET and HEAD);
            writes nothing. A connection that sends no request for --idle-timeout
            is closed, and at most the open-file limit less 64 (up to 1024)
            connections are served at once: idle clients cannot starve a scrape.

              memlens serve --python
              memlens serve --match 'gunicorn|celery' --census-every 1m
              memlens serve --pid 1234 5678 --listen 0.0.0.0:9464
            """
    )

    @Option(help: "Address to listen on, HOST:PORT (port 0: any free port, printed on stderr).")
    var listen = "127.0.0.1:9464"

    @Option(name: .customLong("pid"), parsing: .upToNextOption, help: "Process ids to export.")
    var pids: [Int32] = []

    @Option(help: "Export processes whose command line (arguments joined by spaces) matches this regular expression.")
    var match: String?

    @Flag(help: "Export every Python process (executable python, python3 or python3.X).")
    var python = false

    @Option(parsing: .unconditional, help: "Take a census of each process at most this often (`30s`, `5m`).")
    var censusEvery = TimeSpan(seconds: 30)

    @Option(parsing: .unconditional,
            help: "Close a connection that has sent no request for this long (`5s`; a scraper sends its request at once).")
    var idleTimeout = TimeSpan(seconds: 5)

    @Option(parsing: .unconditional, help: "Types exported per process; the rest are summed as type=\"other\".")
    var topTypes = 20

    /// `HOST:PORT` split; nil if malformed.
    var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }

    var selector: TargetSelector {
        if let match { return .match(match) }
        return python ? .python : .pids(pids)
    }

    func validate() throws {
        let chosen = (pids.isEmpty ? 0 : 1) + (match == nil ? 0 : 1) + (python ? 1 : 0)
        guard chosen == 1 else { throw ValidationError("give exactly one of --pid P…, --match REGEX or --python") }
        if let match, let problem = TargetSelector.check(pattern: match) { throw ValidationError("--match: \(problem)") }
        guard address != nil else { throw ValidationError("--listen takes HOST:PORT, such as 127.0.0.1:9464") }
        guard topTypes > 0 else { throw ValidationError("--top-types must be positive") }
        guard censusEvery.seconds >= 1 else { throw ValidationError("--census-every must be at least 1s") }
        guard idleTimeout.seconds >= 0.1 else { throw ValidationError("--idle-timeout must be at least 100ms") }
        guard pids.allSatisfy({ $0 > 0 }) else { throw ValidationError("--pid takes positive process ids") }
    }

    func run() throws {
        guard let address else { throw ExitCode.validationFailure }
        let exporter = MetricsExporter(selector: selector, censusEvery: .milliseconds(Int64(censusEvery.seconds * 1000)),
            topTypes: topTypes)
        exporter.startCensusThread()
        let server = MetricsServer(exporter: exporter, host: address.host, port: address.port,
                                   idleTimeout: .milliseconds(Int64(idleTimeout.seconds * 1000)))
        // An IPv6 address is bracketed in a URL (RFC 3986): http://[::1]:9464/metrics.
        let shownHost = address.host.contains(":") ? "[\(address.host)]" : address.host
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run { port in printError("memlens: serving http://\(shownHost):\(port)/metrics") }
            } catch {
                outcome.fail(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }
}

/// The server task's error, handed to the waiting thread.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.withLock { stored } }
    func fail(_ error: any Error) { lock.withLock { stored = error } }
}
