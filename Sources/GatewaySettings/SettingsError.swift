/// Why a configuration file was refused: where (file, line, column when known, key) and how to fix it.
public struct SettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, or `nil` for text parsed from memory.
    public var path: String?
    /// The 1-based line, when known.
    public var line: Int?
    /// The 1-based column, when known.
    public var column: Int?
    /// The dotted key, e.g. `vad.silence_duration_ms`, when the problem is one key.
    public var key: String?
    /// What is wrong.
    public var problem: String
    /// What to do about it.
    public var fix: String

    public init(path: String? = nil, line: Int? = nil, column: Int? = nil, key: String? = nil, problem: String, fix: String) {
        self.path = path
        self.line = line
        self.column = column
        self.key = key
        self.problem = problem
        self.fix = fix
    }

    /// `config.toml:12:5: vad.silence_duration_ms: must be an integer, got a string. Fix: …`
    public var description: String {
        var location = path ?? "configuration"
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): " + (key.map { "\($0): " } ?? "") + problem + ". Fix: " + fix
    }
}
