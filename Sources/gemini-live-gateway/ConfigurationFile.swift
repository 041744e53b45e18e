import GatewaySettings

/// The daemon's configuration file: read at start and again on SIGHUP.
struct ConfigurationFile: Sendable {
    /// `--config`, else the default path.
    let path: String
    /// Whether the file must exist (`--config` named it); a missing default file means built-in defaults.
    let required: Bool
    /// `HOME`, which `~` expands to; nothing else of the environment is kept (it may hold the API key).
    private let home: [String: String]

    /// The file at `path`, whose `~` expands to `HOME` of `environment`.
    init(path: String, required: Bool, environment: [String: String]) {
        self.path = path
        self.required = required
        home = environment.filter { $0.key == "HOME" }
    }

    /// The file's settings.
    /// - Throws: ``SettingsError`` with the line, the key and a fix.
    func load() throws(SettingsError) -> GatewaySettings {
        try GatewaySettings.load(path: path, required: required, environment: home)
    }
}
