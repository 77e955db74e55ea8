public import SafeFiles
public import SystemPackage

/// The Python agent, written out of the binary into a private folder that can
/// be put on a target's `PYTHONPATH`.
public enum AgentFiles {
    /// Text of the `sitecustomize.py` that `memlens run` puts first on `PYTHONPATH`.
    static let sitecustomize = """
        # Written by memlens run: loads the memlens agent, then the user's own sitecustomize.
        from memlens import _autoload
        _autoload.start()

        """

    /// Writes `text` as `sitecustomize.py` into `folder` (a folder memlens
    /// just made), with the standalone `_memlens_chain.py` beside it for
    /// `chain_sitecustomize(__file__)`, which runs the user's own sitecustomize after it.
    public static func writeSitecustomize(_ text: String, into folder: Directory) throws {
        guard let chain = Self.text(of: "memlens/_chain.py") else { throw FileSafetyError(path: folder.path,
            reason: "memlens/_chain.py is missing from this build") }
        try folder.createFile("_memlens_chain.py", contents: Array(chain.utf8), mode: readable)
        try folder.createFile("sitecustomize.py", contents: Array(text.utf8), mode: readable)
    }

    /// Files a child process reads: 0644 inside a folder only this user can open.
    public static let readable: FilePermissions = [.ownerReadWrite, .groupRead, .otherRead]

    /// memlens's version: the Python package's `__version__`, the one place it is written.
    public static let version: String = {
        let line = text(of: "memlens/__init__.py")?.split(separator: "\n").first { $0.hasPrefix("__version__ = ") }
        return line.map { String($0.dropFirst("__version__ = ".count).filter { $0 != "\"" }) } ?? "unknown"
    }()

    /// The embedded file `relativePath` (as under `python/`), if present.
    public static func text(of relativePath: String) -> String? {
        EmbeddedPython.files.first { $0.path == relativePath }?.text
    }

    /// Writes the agent to a new private folder (random name, mode 0700,
    /// never one that existed before) and returns it: put its path on
    /// `PYTHONPATH` (it holds `memlens/` and `sitecustomize.py`), and remove
    /// it when the command has exited. Nothing is cached between runs, so no
    /// file another user could have planted is ever loaded.
    public static func install() throws -> PrivateFolder {
        let folder = try PrivateFolder.create(prefix: "memlens-agent")
        do {
            let package = try folder.directory.createSubfolder("memlens")
            for file in EmbeddedPython.files where file.path.hasPrefix("memlens/") && !file.path.dropFirst("memlens/".count).contains("/") {
                try package.createFile(String(file.path.dropFirst("memlens/".count)), contents: Array(file.text.utf8), mode: readable)
            }
            try folder.directory.createFile("sitecustomize.py", contents: Array(sitecustomize.utf8), mode: readable)
        } catch {
            folder.remove()
            throw error
        }
        return folder
    }
}
