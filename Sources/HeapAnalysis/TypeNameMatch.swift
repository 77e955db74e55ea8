/// A type name as a user gave it (`--type LeakedThing`), matched against the
/// qualified names a snapshot records (`__main__.LeakedThing`, bare for builtins).
public enum TypeNameMatch: Equatable, Sendable {
    /// One type: the name given exactly, or the only qualified name it ends.
    case found(String)
    /// Several qualified names end in the bare name given, sorted.
    case ambiguous([String])
    /// None; `similar` are up to five names containing its last part (case-insensitive).
    case missing(similar: [String])

    /// Matches `name` against `typeNames`: an exact name wins; otherwise the
    /// names that end in `.` + `name` (`LeakedThing` → `__main__.LeakedThing`,
    /// `models.User` → `app.models.User`).
    public init(_ name: String, in typeNames: some Sequence<String>) {
        var suffixed: [String] = []
        for candidate in typeNames {
            if candidate == name {
                self = .found(name)
                return
            }
            if candidate.hasSuffix("." + name) { suffixed.append(candidate) }
        }
        let unique = Array(Set(suffixed)).sorted()
        switch unique.count {
        case 1: self = .found(unique[0])
        case 0:
            let last = (name.split(separator: ".").last.map(String.init) ?? name).lowercased()
            self = .missing(similar: Array(typeNames.filter { $0.lowercased().contains(last) }.prefix(5)))
        default: self = .ambiguous(unique)
        }
    }
}
