import Dispatch
import Hummingbird
import NIOCore

/// The HTTP side of `serve`: `GET /metrics` and nothing else (any other path
/// is a 404, from the router).
public struct MetricsServer: Sendable {
    public let exporter: MetricsExporter
    public let host: String
    public let port: Int

    public init(exporter: MetricsExporter, host: String, port: Int) {
        self.exporter = exporter; self.host = host; self.port = port
    }

    /// The router: one route.
    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let exporter = exporter
        router.get("/metrics") { _, _ -> Response in
            // Reading /proc blocks: off the concurrency pool, onto a dispatch thread.
            let body = await withCheckedContinuation { done in
                DispatchQueue.global().async { done.resume(returning: exporter.metrics()) }
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        return router
    }

    /// Serves until SIGINT or SIGTERM. `onListening` gets the bound port (the
    /// one asked for, or the one the kernel chose for port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "memlens"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) }
        )
        try await app.runService()
    }
}
