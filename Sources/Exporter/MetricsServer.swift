import Dispatch
import Hummingbird
import HummingbirdCore
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP side of `serve`: `GET /metrics` and `HEAD /metrics` and nothing
/// else (any other path is a 404, from the router).
///
/// A client cannot hold the server: a connection that sends no request for
/// `idleTimeout` is closed (a half-sent request too: only a whole request
/// head counts as activity), and at most ``connectionCap(fileLimit:)``
/// connections are open at once — past that the server stops accepting and
/// newcomers wait in the kernel's queue, so file descriptors stay free for
/// reading `/proc` at each scrape.
public struct MetricsServer: Sendable {
    public let exporter: MetricsExporter
    public let host: String
    public let port: Int
    /// How long a connection may stay without a request before it is closed.
    public let idleTimeout: Duration

    public init(exporter: MetricsExporter, host: String, port: Int, idleTimeout: Duration = .seconds(5)) {
        self.exporter = exporter; self.host = host; self.port = port; self.idleTimeout = idleTimeout
    }

    /// The router: `/metrics`, for GET and for HEAD (the same headers, no body).
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let exporter = exporter
        let headers: HTTPFields = [.contentType: "text/plain; version=0.0.4; charset=utf-8"]
        @Sendable func metrics() async -> [UInt8] {
            // Reading /proc blocks: off the concurrency pool, onto a dispatch thread.
            await withCheckedContinuation { done in
                DispatchQueue.global().async { done.resume(returning: exporter.metrics()) }
            }
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: await metrics())))
        }
        router.head("/metrics") { _, _ -> Response in
            var fields = headers
            fields[.contentLength] = String(await metrics().count)
            return Response(status: .ok, headers: fields, body: ResponseBody())
        }
        return router
    }

    /// The most connections open at once under a limit of `fileLimit`
    /// descriptors: 64 kept for /proc reads, the census and the process's
    /// own files; at most 1024 (a metrics endpoint has a few scrapers).
    public static func connectionCap(fileLimit: Int) -> Int {
        max(1, min(1024, fileLimit - 64))
    }

    /// The soft limit on open descriptors (RLIMIT_NOFILE), saturated to `Int`.
    static func fileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(exactly: limit.rlim_cur) ?? .max
    }

    /// Serves until SIGINT or SIGTERM. `onListening` gets the bound port (the
    /// one asked for, or the one the kernel chose for port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let configuration = ApplicationConfiguration(
            address: .hostname(host, port: port), serverName: "memlens",
            availableConnectionsDelegate: MaximumAvailableConnections(Self.connectionCap(fileLimit: Self.fileLimit()))
        )
        let app = Application(
            router: router(),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(idleTimeout))),
            configuration: configuration,
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) }
        )
        try await app.runService()
    }
}
