import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A `memlens serve` started by a test on a port the kernel chose, stopped
/// (SIGINT, then SIGKILL) when released.
final class ServeProcess {
    let process = Process()
    /// The host as memlens printed it in its URL (an IPv6 address bracketed).
    let host: String
    let port: Int
    private let errors = Pipe()

    /// `memlens serve --listen LISTEN arguments…`; `asNobody` runs it as
    /// user nobody (setpriv), so that root's processes may not be read;
    /// `fileLimit` lowers its RLIMIT_NOFILE (prlimit) as `ulimit -n` would.
    init(_ arguments: [String], asNobody: Bool = false, listen: String = "127.0.0.1:0", fileLimit: Int? = nil) throws {
        var command = [TestPaths.memlens, "serve", "--listen", listen] + arguments
        if let fileLimit { command = ["/usr/bin/prlimit", "--nofile=\(fileLimit):\(fileLimit)", "--"] + command }
        if asNobody { command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command }
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardError = errors
        process.standardOutput = FileHandle.standardError
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // memlens prints `memlens: serving http://HOST:PORT/metrics` once it listens.
        var text = ""
        var found: (host: String, port: Int)?
        let deadline = Date().addingTimeInterval(60)
        while found == nil, Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let start = text.range(of: "serving http://"), let end = text[start.upperBound...].range(of: "/metrics") {
                let authority = text[start.upperBound..<end.lowerBound]
                if let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) {
                    found = (String(authority[..<colon]), port)
                }
            }
        }
        guard let found else { throw ServeError.didNotStart(text) }
        (host, port) = found
        // Keep draining stderr so the server never blocks on a full pipe.
        let handle = errors.fileHandleForReading
        Thread.detachNewThread { while !handle.availableData.isEmpty {} }
    }

    var url: String { "http://\(host):\(port)/metrics" }

    /// `GET path`: the status and the body.
    func get(_ path: String = "/metrics") throws -> (status: Int, body: String) {
        try httpGet("http://\(host):\(port)\(path)")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGINT)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

enum ServeError: Error { case didNotStart(String), badResponse(String) }

/// `GET url` with curl (no proxy): the status and the body.
func httpGet(_ url: String) throws -> (status: Int, body: String) {
    let result = try runCommand(["/usr/bin/curl", "-s", "-g", "--noproxy", "*", "-w", "\n%{http_code}", url], timeoutSeconds: 30)
    guard let newline = result.stdout.lastIndex(of: "\n"), let status = Int(result.stdout[result.stdout.index(after: newline)...]) else {
        throw ServeError.badResponse(result.stdout + result.stderr)
    }
    return (status, String(result.stdout[..<newline]))
}

/// A TCP port free on loopback now (bound, read, closed).
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// The samples of `metric` in Prometheus text: labels (as a dictionary) and value.
func samples(_ metric: String, in text: String) -> [(labels: [String: String], value: Double)] {
    text.split(separator: "\n").compactMap { line -> ([String: String], Double)? in
        guard line.hasPrefix(metric + "{"), let close = line.lastIndex(of: "}"),
              let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) else { return nil }
        let inner = line[line.index(line.startIndex, offsetBy: metric.count + 1)..<close]
        var labels: [String: String] = [:]
        // name="value" pairs; values here hold no escaped quotes.
        for pair in inner.components(separatedBy: "\",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return (labels, value)
    }
}
