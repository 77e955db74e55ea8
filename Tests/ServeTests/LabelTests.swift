@testable import Exporter
import ProcFS
import ProcessModels
@testable import PythonProcess
import Testing

/// The pieces of `serve`'s labels that need no process.
struct LabelTests {
    @Test(arguments: [
        (["python3", "app.py", "--port", "80"], "app.py"),
        (["/usr/bin/python3.11", "-X", "dev", "-u", "/srv/api/server.py"], "server.py"),
        (["python3", "-m", "celery.worker", "-A", "x"], "celery.worker"),
        (["python3", "-mhttp.server"], "http.server"),
        (["python3", "-c", "print(1)"], "-c"),
        (["python3"], "python3"),
        (["gunicorn: worker [api]"], "gunicorn: worker [api]"),
        ([], "comm-name"),
    ])
    func nameFromTheCommandLine(_ arguments: [String], _ expected: String) {
        #expect(ProcessName.derive(commandLine: arguments, fallback: "comm-name") == expected)
    }

    @Test func aLongNameIsCutTo64Characters() {
        #expect(ProcessName.derive(commandLine: ["python3", String(repeating: "x", count: 300) + ".py"], fallback: "").count == 64)
    }

    @Test func topTypesBySizeAndTheRestAsOther() {
        let types = [("a", 5, 500), ("b", 10, 100), ("c", 1, 900), ("d", 7, 50)].map {
            CensusResult.TypeCount(type: $0.0, count: $0.1, size: UInt64($0.2), exact: true)
        }
        let rows = TypeRows.top(types, count: 2)
        #expect(rows.map(\.type) == ["c", "a", "other"])
        #expect(rows.last == TypeRows.Row(type: "other", count: 17, size: 150))
        #expect(TypeRows.top(types, count: 10).count == 4)  // nothing left over: no "other"
    }

    @Test func pythonExecutables() {
        for path in ["/usr/bin/python3", "/root/.pyenv/versions/3.11.7/bin/python3.11", "/usr/bin/python",
            "/usr/bin/python3.12 (deleted)"] {
            #expect(TargetSelector.isPythonExecutable(path), "\(path)")
        }
        for path in ["/usr/bin/python3-config", "/usr/bin/pythonista", "/bin/sh", "/usr/bin/ipython3"] {
            #expect(!TargetSelector.isPythonExecutable(path), "\(path)")
        }
    }
}
