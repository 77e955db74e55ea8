import Foundation
import ProcFS

/// Which processes `serve` exports: fixed pids, those whose command line
/// matches a regular expression, or every Python process. Chosen again on
/// every scrape, so processes that start later appear and those that exit go.
public enum TargetSelector: Sendable {
    case pids([Int32])
    /// An extended regular expression searched in the command line (arguments joined by spaces).
    case match(String)
    /// Processes whose executable's file name is `python`, `python3` or `python3.X`.
    case python

    /// Whether `pattern` compiles; what is wrong otherwise, in one line.
    public static func check(pattern: String) -> String? {
        guard (try? NSRegularExpression(pattern: pattern)) == nil else { return nil }
        // Foundation's error says only "NSCocoaErrorDomain error 2048"; Swift's own parser (close to ICU's
        // syntax) says what is wrong, when it too refuses the pattern.
        var reason = ""
        do { _ = try Regex(pattern) } catch { reason = ": " + String(describing: error).split(separator: "\n").joined(separator: " ") }
        return "not a valid regular expression: \(pattern.debugDescription)\(reason)"
    }

    /// The pids selected now, ascending; never memlens itself. Fixed pids are
    /// kept even when gone (their error metric says so).
    public func select() -> [Int32] {
        select(excluding: getpid())
    }

    func select(excluding own: Int32) -> [Int32] {
        switch self {
        case .pids(let pids):
            return pids.sorted()
        case .match(let pattern):
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
            return ProcessTree.allPIDs().filter { pid in
                guard pid != own, let arguments = try? ProcReader.commandLine(pid: pid), !arguments.isEmpty else { return false }
                let line = arguments.joined(separator: " ")
                return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
            }.sorted()
        case .python:
            return ProcessTree.allPIDs().filter { pid in
                guard pid != own, let exe = ProcReader.executable(pid: pid) else { return false }
                return Self.isPythonExecutable(exe)
            }.sorted()
        }
    }

    /// `python`, `python3`, `python3.11` (and a ` (deleted)` suffix after an upgrade).
    static func isPythonExecutable(_ path: String) -> Bool {
        var name = Substring(path.split(separator: "/").last ?? "")
        if name.hasSuffix(" (deleted)") { name = name.dropLast(10) }
        guard name.hasPrefix("python") else { return false }
        return name.dropFirst(6).allSatisfy { $0.isNumber || $0 == "." }
    }
}
