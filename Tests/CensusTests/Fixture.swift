import Foundation
import Testing
import TestSupport

/// The path of a file in this target's Fixtures folder.
func fixture(_ name: String) throws -> String {
    let folder = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    return folder.appending(path: name).path
}

/// The LeakedThing heap (census_truth.py) waiting on a pipe; its first line is its own truth as JSON.
func leakedThingTarget(_ python: PythonInterpreter) throws -> WaitingTarget {
    try WaitingTarget(python, arguments: [try fixture("census_truth.py")], environment: [
        "LEAKED_THING_DIR": TestPaths.packageRoot.appending(path: "Tests/IntegrationTests/Fixtures").path,
        "PYTHONPATH": TestPaths.packageRoot.appending(path: "python").path,
    ])
}
