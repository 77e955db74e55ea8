import Foundation
import Testing
import TestSupport

/// The path of a file in this target's Fixtures folder.
func fixture(_ name: String) throws -> String {
    let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return folder.appending(path: name).path
}
