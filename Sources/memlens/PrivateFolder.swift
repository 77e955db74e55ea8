import Foundation

/// A new folder under the temporary directory that only this user can open
/// (mode 0700), named `prefix-PID-RANDOM`. The caller removes it.
func makePrivateFolder(_ prefix: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory
        .appending(path: "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return folder
}
