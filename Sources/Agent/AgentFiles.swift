public import Foundation

/// The Python agent, written out of the binary into a private folder that can
/// be put on a target's `PYTHONPATH`.
public enum AgentFiles {
    /// Text of the `sitecustomize.py` that `memlens run` puts first on `PYTHONPATH`.
    static let sitecustomize = """
        # Written by memlens run: loads the memlens agent, then the user's own sitecustomize.
        from memlens import _autoload
        _autoload.start()

        """

    /// Writes `text` as `sitecustomize.py` into `folder`, with the standalone
    /// `_memlens_chain.py` beside it for `chain_sitecustomize(__file__)`,
    /// which runs the user's own sitecustomize after it.
    public static func writeSitecustomize(_ text: String, into folder: URL) throws {
        guard let chain = Self.text(of: "memlens/_chain.py") else { throw CocoaError(.fileNoSuchFile) }
        try Data(chain.utf8).write(to: folder.appending(path: "_memlens_chain.py"))
        try Data(text.utf8).write(to: folder.appending(path: "sitecustomize.py"))
    }

    /// The embedded file `relativePath` (as under `python/`), if present.
    public static func text(of relativePath: String) -> String? {
        EmbeddedPython.files.first { $0.path == relativePath }?.text
    }

    /// Writes the agent to a folder private to this user (mode 0700), named by
    /// a hash of its contents so repeated runs share it; returns the folder to
    /// put on `PYTHONPATH` (it holds `memlens/` and `sitecustomize.py`).
    public static func install() throws -> URL {
        var files = EmbeddedPython.files.filter { $0.path.hasPrefix("memlens/") }
        files.append((path: "sitecustomize.py", text: sitecustomize))
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in files {
            for byte in Array(file.path.utf8) + Array(file.text.utf8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        let base = FileManager.default.temporaryDirectory.appending(path: "memlens-\(getuid())")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let folder = base.appending(path: "agent-" + String(hash, radix: 16))
        if FileManager.default.fileExists(atPath: folder.appending(path: "sitecustomize.py").path) { return folder }
        let staging = base.appending(path: "staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: staging.appending(path: "memlens"), withIntermediateDirectories: true)
        for file in files {
            try Data(file.text.utf8).write(to: staging.appending(path: file.path))
        }
        if (try? FileManager.default.moveItem(at: staging, to: folder)) == nil {
            // Another memlens installed the same agent first.
            try? FileManager.default.removeItem(at: staging)
        }
        return folder
    }
}
