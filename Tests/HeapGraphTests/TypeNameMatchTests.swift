import HeapAnalysis
import Testing

/// `--type` names: exact, a bare class name, ambiguous, unknown.
@Suite("Type names as users give them")
struct TypeNameMatchTests {
    static let names = ["dict", "list", "__main__.LeakedThing", "app.models.User", "auth.User", "__main__.Node", "weakref.ReferenceType"]

    @Test("An exact name wins, even when others end in it")
    func exact() {
        #expect(TypeNameMatch("dict", in: Self.names) == .found("dict"))
        #expect(TypeNameMatch("auth.User", in: Self.names) == .found("auth.User"))
    }

    @Test("A bare class name (or a module-qualified tail) resolves when one type ends in it")
    func bare() {
        #expect(TypeNameMatch("LeakedThing", in: Self.names) == .found("__main__.LeakedThing"))
        #expect(TypeNameMatch("models.User", in: Self.names) == .found("app.models.User"))
    }

    @Test("Several candidates are listed, sorted; a partial word is not a match")
    func ambiguous() {
        #expect(TypeNameMatch("User", in: Self.names) == .ambiguous(["app.models.User", "auth.User"]))
        #expect(TypeNameMatch("Thing", in: Self.names) == .missing(similar: ["__main__.LeakedThing"]))
    }

    @Test("Unknown: similar names by the last part, case-insensitive")
    func missing() {
        #expect(TypeNameMatch("node", in: Self.names) == .missing(similar: ["__main__.Node"]))
        #expect(TypeNameMatch("Nope", in: Self.names) == .missing(similar: []))
    }
}
