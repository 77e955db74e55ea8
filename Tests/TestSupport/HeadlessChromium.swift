public import Foundation

/// Debian's Chromium run headless on a local page, with the network cut off
/// (every host resolves to nothing), for tests of the HTML memlens writes:
/// what the page printed to its console (an uncaught exception is printed
/// there too), the DOM after its scripts ran, and a screenshot.
public enum HeadlessChromium {
    /// The browser, if installed (`.ci/run` installs Debian's `chromium`).
    public static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What one page load showed.
    public struct PageLoad: Sendable {
        /// Console messages and uncaught exceptions, one line each (`"message", source: file:///… (12)`).
        public var console: [String]
        /// `document.documentElement.outerHTML` after the page's scripts ran (empty when only a screenshot was taken).
        public var dom: String
        /// The browser's whole stderr, for failure messages.
        public var log: String
    }

    /// Loads `file` (with `#fragment`), printing its DOM; with `screenshot`, a
    /// second load writes a PNG of the first `width`×`height` pixels there.
    public static func load(_ file: URL, fragment: String? = nil, screenshot: URL? = nil, width: Int = 1280,
        height: Int = 1000) throws -> PageLoad {
        guard let chromium = path else { throw ChromiumMissing() }
        let profile = try TestPaths.temporaryFolder("chromium")
        defer { try? FileManager.default.removeItem(at: profile) }
        var url = file.absoluteString
        if let fragment { url += "#" + fragment }
        let common = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile.path, "--window-size=\(width),\(height)",
        ]
        let run = try runCommand(common + ["--dump-dom", url], timeoutSeconds: 120)
        var log = run.stderr
        if let screenshot {
            let shot = try runCommand(common + ["--hide-scrollbars", "--screenshot=" + screenshot.path, url], timeoutSeconds: 120)
            log += shot.stderr
        }
        let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map { line in
            line.range(of: "] ").map { String(line[$0.upperBound...]) } ?? String(line)
        }
        return PageLoad(console: console, dom: run.stdout, log: log)
    }

    public struct ChromiumMissing: Error, CustomStringConvertible {
        public var description: String { "Chromium is not installed (.ci/run installs Debian's chromium package)" }
    }
}

/// External references in an HTML page: in its tags, every `src` and every
/// `href` that is not a `#fragment`; in its `<style>` blocks and `style`
/// attributes, every `@import` and every `url(…)` that is not `url(#…)` or
/// `url(data:…)`. Script bodies and text are not references (the page's text
/// may quote anything the snapshot held). Empty: the page needs nothing from outside.
public func externalReferences(inHTML page: String) -> [String] {
    func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern,
            options: [.caseInsensitive, .dotMatchesLineSeparators]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range,
            in: text).map { String(text[$0]) } }
    }
    func cssReferences(_ css: String) -> [String] {
        matches(#"@import[^;]*"#, in: css) + matches(#"url\(\s*["']?(?!#|data:)[^)]*\)"#, in: css)
    }
    // Keep <script …> tags themselves but drop what is between them and </script>.
    let withoutScripts = page.replacingOccurrences(of: #"(<script\b[^>]*>).*?</script>"#, with: "$1", options: [.regularExpression, .caseInsensitive])
    let styles = matches(#"<style\b[^>]*>.*?</style>"#, in: withoutScripts).joined()
    let tags = matches(#"<[a-z!/][^>]*>"#, in: withoutScripts.replacingOccurrences(of: #"<style\b[^>]*>.*?</style>"#, with: "", options: [.regularExpression, .caseInsensitive]))
    var found: [String] = []
    let attribute = try? NSRegularExpression(pattern: #"\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)"#)
    for tag in tags {
        // Attribute by attribute, so a value that quotes "src=" is not taken for one.
        for match in attribute?.matches(in: tag, range: NSRange(tag.startIndex..., in: tag)) ?? [] {
            guard let nameRange = Range(match.range(at: 1), in: tag), let valueRange = Range(match.range(at: 2), in: tag) else { continue }
            let name = tag[nameRange].lowercased()
            let value = tag[valueRange].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            switch name {
            case "src", "srcset", "data", "action", "formaction", "poster", "xlink:href": found.append("\(name)=\(value)")
            case "href" where !value.hasPrefix("#"): found.append("href=\(value)")
            case "style": found += cssReferences(value)
            default: break
            }
        }
    }
    found += cssReferences(styles)
    return found
}
