import Foundation

extension GatewaySettings {
    /// The configuration file's default path: `$XDG_CONFIG_HOME/gemini-live-gateway/config.toml`, else
    /// `~/.config/gemini-live-gateway/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/gemini-live-gateway/config.toml"
    }

    /// Parses TOML text; `path` only labels errors.
    /// - Throws: ``SettingsError`` with the line (and column or key) and a fix.
    public static func parse(_ text: String, path: String? = nil) throws(SettingsError) -> GatewaySettings {
        try SettingsParser(text: text, path: path).parse()
    }

    /// Reads the file at `path`. A missing file is no error when `required` is false: the built-in defaults apply.
    /// - Throws: ``SettingsError`` when the file is unreadable, not UTF-8, or invalid.
    public static func load(path: String, required: Bool, environment: [String: String]) throws(SettingsError) -> GatewaySettings {
        guard FileManager.default.fileExists(atPath: path) else {
            if required {
                throw SettingsError(
                    path: path, problem: "the configuration file does not exist",
                    fix: "create it (see examples/config.toml) or leave out --config to use the defaults")
            }
            return GatewaySettings()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError(path: path, problem: "cannot read the file", fix: "check its permissions (chmod 600 \(path))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SettingsError(path: path, problem: "the file is not UTF-8 text", fix: "save it as UTF-8")
        }
        var settings = try parse(text, path: path)
        settings.keyFile = settings.keyFile.map { expandingTilde($0, environment: environment) }
        settings.live.tlsCertificate = settings.live.tlsCertificate.map { expandingTilde($0, environment: environment) }
        settings.live.tlsKey = settings.live.tlsKey.map { expandingTilde($0, environment: environment) }
        return settings
    }

    /// `~/x` → `$HOME/x`.
    static func expandingTilde(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst()
    }
}
