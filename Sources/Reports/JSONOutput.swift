import Foundation

/// JSON output, encoded in one place: keys sorted, so the same report gives the same bytes.
public enum JSONOutput {
    /// How a document is laid out.
    public enum Layout: Sendable {
        /// One line, slashes as they are: every report command's `--json`.
        case compact
        /// One line, slashes escaped (`\/`): `watch --jsonl`'s records, as they were first written.
        case slashesEscaped
        /// Indented, slashes escaped: `watch --json`'s summary.
        case pretty
    }

    /// Encodes `value` with sorted keys, laid out as `layout`; with `snakeCaseKeys`, Swift's
    /// camelCase names are written in snake case (`pauseMs` as `pause_ms`).
    public static func string(_ value: some Encodable, layout: Layout = .compact, snakeCaseKeys: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        switch layout {
        case .compact: encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        case .slashesEscaped: encoder.outputFormatting = [.sortedKeys]
        case .pretty: encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
