import Testing
import TestSupport

/// Tests over interpreters cannot pass having run nothing.
@Suite("No pyenv Python is a failure, not a skip")
struct InterpreterGuardTests {
    @Test("The placeholder records a failure when a test uses it")
    func placeholderFails() {
        withKnownIssue { _ = PythonInterpreter.missing.path }
    }

    @Test("installed is never empty unless MEMLENS_ALLOW_NO_PYTHON=1")
    func installedNotEmpty() {
        #expect(!PythonInterpreter.installed.isEmpty || PythonInterpreter.allowsNone)
        #expect(PythonInterpreter.found.isEmpty == PythonInterpreter.installed.contains(PythonInterpreter.missing)
                || PythonInterpreter.allowsNone)
    }
}
