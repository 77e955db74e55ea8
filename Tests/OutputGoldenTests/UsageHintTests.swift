import ProcessModels
import Reports
import Testing

/// Libraries carry typed hints; the command line spells them as its flags.
@Suite("Usage hints")
struct UsageHintTests {
    @Test("a hinted text renders its hints as the flags, or in words without a command line")
    func rendering() {
        let detail: HintedText = "files missing (pass \(UsageHint.pythonExecutable) with the Python executable)"
        let text: HintedText = "core file /tmp/core: \(detail); \(3) tries, raise \(UsageHint.safePointTimeout)"
        #expect(text.rendered(\.flag)
            == "core file /tmp/core: files missing (pass --exe with the Python executable); 3 tries, raise --timeout")
        #expect(text.description == "core file /tmp/core: files missing (pass the executable setting with the Python executable); "
            + "3 tries, raise the timeout")
        #expect(Set(UsageHint.allCases.map(\.flag)) == ["--agent-dump", "--exe", "--measure-full", "--timeout", "--trim"])
    }
}
