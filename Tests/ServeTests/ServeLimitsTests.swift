import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to 127.0.0.1:`port` (the connect is not waited for when
/// `waiting` is false); -1 if no socket could be had.
private func connectLoopback(port: Int, waiting: Bool = true) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    if !waiting { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return fd
}

/// Everything `fd` receives until the peer closes, or nil if it is still
/// open after `seconds` (each wait is a poll, so a regression cannot hang).
private func readUntilClosed(_ fd: Int32, seconds: Double) -> [UInt8]? {
    let deadline = Date().addingTimeInterval(seconds)
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while Date() < deadline {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 100) > 0 else { continue }
        let count = read(fd, &buffer, buffer.count)
        if count <= 0 { return received }
        received += buffer[..<count]
    }
    return nil
}

/// A process that is not Python, for serve to export (its memory only).
private func startSleeper() throws -> Process {
    let sleeper = Process()
    sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
    sleeper.arguments = ["300"]
    try sleeper.run()
    return sleeper
}

@Suite("serve: idle connections time out, capped, HEAD, IPv6", .serialized, .timeLimit(.minutes(2)))
struct ServeLimitsTests {
    @Test("300 idle connections under a 256-file limit: /metrics still answers, with the memory read")
    func idleConnectionsDoNotStarveAScrape() throws {
        let sleeper = try startSleeper()
        defer { sleeper.terminate() }
        // GIVEN serve under `ulimit -n 256`, and 300 connections that never send a request
        let server = try ServeProcess(["--pid", String(sleeper.processIdentifier), "--idle-timeout", "2s"], fileLimit: 256)
        let idle = (0..<300).map { _ in connectLoopback(port: server.port, waiting: false) }
        defer { idle.filter { $0 >= 0 }.forEach { close($0) } }
        #expect(idle.allSatisfy { $0 >= 0 })
        Thread.sleep(forTimeInterval: 0.5)
        // WHEN Prometheus scrapes
        let started = Date()
        let response = try server.get()
        let seconds = Date().timeIntervalSince(started)
        // THEN the scrape is answered within the idle timeout and a margin, its /proc reads complete
        #expect(response.status == 200, "\(response.body.prefix(300))")
        #expect(seconds < 10, "the scrape took \(seconds) s")
        let rss = samples("memlens_process_resident_memory_bytes", in: response.body)
            .first { $0.labels["pid"] == String(sleeper.processIdentifier) }
        #expect((rss?.value ?? 0) > 0, "\(response.body.prefix(600))")
    }

    @Test("A connection that sends nothing, or half a request, is closed after the idle timeout")
    func idleConnectionsAreClosed() throws {
        let sleeper = try startSleeper()
        defer { sleeper.terminate() }
        let server = try ServeProcess(["--pid", String(sleeper.processIdentifier), "--idle-timeout", "1s"])
        let silent = connectLoopback(port: server.port)
        let partial = connectLoopback(port: server.port)
        defer { close(silent); close(partial) }
        let head = Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\n".utf8)  // the blank line never comes
        #expect(write(partial, head, head.count) == head.count)
        let started = Date()
        #expect(readUntilClosed(silent, seconds: 10) == [], "a silent connection stayed open")
        #expect(readUntilClosed(partial, seconds: 10) != nil, "a half-sent request kept its connection open")
        #expect(Date().timeIntervalSince(started) < 6)
        // AND the server still answers
        #expect(try server.get().status == 200)
    }

    @Test("HEAD /metrics: 200, GET's headers and length, no body")
    func headAnswersLikeGet() throws {
        let sleeper = try startSleeper()
        defer { sleeper.terminate() }
        let server = try ServeProcess(["--pid", String(sleeper.processIdentifier)])
        let fd = connectLoopback(port: server.port)
        defer { close(fd) }
        let request = Array("HEAD /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
        #expect(write(fd, request, request.count) == request.count)
        let response = String(decoding: try #require(readUntilClosed(fd, seconds: 20)), as: UTF8.self)
        let parts = response.components(separatedBy: "\r\n\r\n")
        #expect(parts.first?.hasPrefix("HTTP/1.1 200") == true, "\(response)")
        let headers = (parts.first ?? "").lowercased()
        #expect(headers.contains("content-type: text/plain; version=0.0.4; charset=utf-8"), "\(response)")
        let length = headers.split(separator: "\r\n").first { $0.hasPrefix("content-length: ") }
            .flatMap { Int($0.dropFirst("content-length: ".count)) }
        #expect((length ?? 0) > 100, "\(response)")
        #expect(parts.count == 2 && parts[1].isEmpty, "a body came after the headers: \(response.suffix(200))")
    }

    @Test("--listen [::1]:0 prints a bracketed URL that curl can fetch")
    func ipv6URLIsBracketed() throws {
        let sleeper = try startSleeper()
        defer { sleeper.terminate() }
        let server = try ServeProcess(["--pid", String(sleeper.processIdentifier)], listen: "[::1]:0")
        #expect(server.host == "[::1]")
        #expect(try server.get().status == 200)
    }
}
