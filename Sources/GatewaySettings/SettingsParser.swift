import LiveProtocol
import TOMLKit

/// Reads ``GatewaySettings`` out of TOML text: syntax errors carry TOMLKit's line and column, type and value
/// errors name the key and the line it is on, unknown keys are refused with the known ones listed (a typo must
/// not silently fall back to a default).
struct SettingsParser {
    let text: String
    let path: String?

    func parse() throws(SettingsError) -> GatewaySettings {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SettingsError(
                path: path, line: error.source.begin.line, column: error.source.begin.column,
                problem: "not valid TOML: \(error.description)",
                fix: "correct the syntax at that position (strings need quotes, tables are written [name])")
        } catch {
            throw SettingsError(path: path, problem: "not valid TOML: \(error)", fix: "correct the file's syntax")
        }
        try rejectUnknown(
            root, table: nil,
            known: [
                "model", "voice", "language", "key_file", "exit_when_idle_s", "thinking_level", "thinking_budget",
                "translate_to", "translate_echo", "custom_voice", "endpoint", "vad", "audio", "live",
            ])
        var settings = GatewaySettings()
        settings.model = try nonEmptyString(root, "model", table: nil, example: "\"gemini-3.8-live\"")
        settings.voice = try nonEmptyString(root, "voice", table: nil, example: "\"Kore\"")
        settings.language = try nonEmptyString(root, "language", table: nil, example: "\"en-US\"")
        settings.keyFile = try nonEmptyString(root, "key_file", table: nil, example: "\"~/.config/gemini-live-gateway/api-key\"")
        settings.exitWhenIdle = try integer(
            root, "exit_when_idle_s", table: nil, range: GatewaySettings.exitWhenIdleRange, example: 300, unit: "seconds"
        ).map { .seconds($0) }
        try parseModelSettings(root, into: &settings)

        if let endpoint = try table(root, "endpoint") {
            try rejectUnknown(endpoint, table: "endpoint", known: ["url", "api_version"])
            if let url = try nonEmptyString(endpoint, "url", table: "endpoint", example: "\"wss://generativelanguage.googleapis.com\"") {
                guard url.hasPrefix("ws://") || url.hasPrefix("wss://") else {
                    throw failure("endpoint", "url", "must start with ws:// or wss://, got \"\(url)\"", fix: "write e.g. url = \"wss://generativelanguage.googleapis.com\"")
                }
                settings.endpoint.url = url
            }
            if let version = try nonEmptyString(endpoint, "api_version", table: "endpoint", example: "\"v1beta\"") {
                try checkAPIVersion(version, url: settings.endpoint.url)
                settings.endpoint.apiVersion = version
            }
        }

        if let vad = try table(root, "vad") {
            try rejectUnknown(
                vad, table: "vad",
                known: ["disabled", "start_sensitivity", "end_sensitivity", "prefix_padding_ms", "silence_duration_ms"])
            settings.vad.disabled = try bool(vad, "disabled", table: "vad")
            settings.vad.startSensitivity = try sensitivity(vad, "start_sensitivity")
            settings.vad.endSensitivity = try sensitivity(vad, "end_sensitivity")
            settings.vad.prefixPaddingMs = try integer(vad, "prefix_padding_ms", table: "vad", range: 0...10_000, example: 20)
            settings.vad.silenceDurationMs = try integer(vad, "silence_duration_ms", table: "vad", range: 0...10_000, example: 500)
        }

        if let audio = try table(root, "audio") {
            try rejectUnknown(audio, table: "audio", known: ["chunk_ms", "jitter_ms", "echo_cancel"])
            if let text = try nonEmptyString(audio, "echo_cancel", table: "audio", example: "\"auto\"") {
                guard let mode = GatewaySettings.Audio.EchoCancel(rawValue: text.lowercased()) else {
                    throw failure("audio", "echo_cancel", "must be \"auto\", \"on\" or \"off\", got \"\(text)\"",
                                  fix: "write echo_cancel = \"auto\" (cancel the speakers' echo when a microphone hears them), \"on\" or \"off\"")
                }
                settings.audio.echoCancel = mode
            }
            settings.audio.chunkDuration = try integer(
                audio, "chunk_ms", table: "audio", range: GatewaySettings.Audio.chunkRange, example: 100
            ).map { .milliseconds($0) }
            settings.audio.jitterTargetDepth = try integer(
                audio, "jitter_ms", table: "audio", range: GatewaySettings.Audio.jitterRange, example: 60
            ).map { .milliseconds($0) }
        }
        if let live = try table(root, "live") {
            try rejectUnknown(live, table: "live", known: ["socket", "port", "tls_cert", "tls_key"])
            settings.live.socket = try bool(live, "socket", table: "live")
            settings.live.port = try integer(live, "port", table: "live", range: 0...65_535, example: 8765, unit: "a port (0 picks a free one)")
            settings.live.tlsCertificate = try nonEmptyString(live, "tls_cert", table: "live", example: "\"~/.config/gemini-live-gateway/live-cert.pem\"")
            settings.live.tlsKey = try nonEmptyString(live, "tls_key", table: "live", example: "\"~/.config/gemini-live-gateway/live-key.pem\"")
            if (settings.live.tlsCertificate == nil) != (settings.live.tlsKey == nil) {
                throw failure(
                    "live", settings.live.tlsKey == nil ? "tls_cert" : "tls_key", "needs its partner: TLS takes both tls_cert and tls_key",
                    fix: "set both, or neither (plain ws:// on loopback)")
            }
        }
        return settings
    }

    /// The Gemini API serves Live on v1beta and v1alpha only (google-genai 3.6.1
    /// `tests/live_api/conftest.py`: "The Gemini API only serves the Live WebSocket on v1beta");
    /// a custom endpoint (`url` not Google's host) may use any version of the form v<N>….
    private func checkAPIVersion(_ version: String, url: String?) throws(SettingsError) {
        let base = LiveEndpoint(baseURL: url, apiVersion: version, credential: .none)
        if let problem = base.apiVersionProblem {
            throw failure(
                "endpoint", "api_version", problem,
                fix: "write api_version = \"v1beta\" (v1 stays possible with a custom [endpoint] url)")
        }
        let shape = version.first == "v" && version.dropFirst().first?.isNumber == true
            && version.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard shape else {
            throw failure(
                "endpoint", "api_version", "must look like v1beta, v1alpha or v1beta1, got \"\(version)\"",
                fix: "write api_version = \"v1beta\"")
        }
    }

    /// thinking_level / thinking_budget, translate_to / translate_echo, custom_voice.
    private func parseModelSettings(_ root: TOMLTable, into settings: inout GatewaySettings) throws(SettingsError) {
        if let level = try nonEmptyString(root, "thinking_level", table: nil, example: "\"low\"") {
            let names = ThinkingLevel.all.map { $0.rawValue.lowercased() }
            guard names.contains(level.lowercased()) else {
                throw failure(
                    nil, "thinking_level", "must be one of \(names.joined(separator: ", ")), got \"\(level)\"",
                    fix: "write thinking_level = \"low\" (3.x models; 2.5 models take thinking_budget)")
            }
            settings.thinkingLevel = ThinkingLevel(rawValue: level)
        }
        settings.thinkingBudget = try integer(
            root, "thinking_budget", table: nil, range: -1...24_576, example: 1024, unit: "tokens (-1 dynamic, 0 off)")
        if settings.thinkingLevel != nil, settings.thinkingBudget != nil {
            throw failure(
                nil, "thinking_budget", "cannot be set together with thinking_level",
                fix: "keep thinking_level for 3.x models or thinking_budget for 2.5 models, not both")
        }
        if let target = try nonEmptyString(root, "translate_to", table: nil, example: "\"de\"") {
            guard LanguageTag.isValid(target) else {
                throw failure(
                    nil, "translate_to", "must be a BCP-47 language code, got \"\(target)\"",
                    fix: "write translate_to = \"de\" (or \"es\", \"pt-BR\", …)")
            }
            settings.translateTo = target
        }
        settings.translateEcho = try bool(root, "translate_echo", table: nil)
        if settings.translateEcho != nil, settings.translateTo == nil {
            throw failure(nil, "translate_echo", "needs translate_to", fix: "add translate_to = \"de\", or remove translate_echo")
        }
        settings.customVoice = try nonEmptyString(root, "custom_voice", table: nil, example: "\"voices/abc123\"")
        if settings.customVoice != nil, settings.voice != nil {
            throw failure(nil, "custom_voice", "cannot be set together with voice", fix: "keep one of voice (prebuilt) and custom_voice")
        }
    }

    // MARK: Typed reads

    private func table(_ root: TOMLTable, _ key: String) throws(SettingsError) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        guard let table = value.table else {
            throw failure(nil, key, "must be a table, got \(describe(value.type))", fix: "write it as a [\(key)] section")
        }
        return table
    }

    private func nonEmptyString(_ table: TOMLTable, _ key: String, table name: String?, example: String) throws(SettingsError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else {
            throw failure(name, key, "must be a string, got \(describe(value.type))", fix: "write \(key) = \(example)")
        }
        guard !string.isEmpty else { throw failure(name, key, "must not be empty", fix: "write \(key) = \(example), or remove the line") }
        return string
    }

    private func bool(_ table: TOMLTable, _ key: String, table name: String?) throws(SettingsError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else {
            throw failure(name, key, "must be true or false, got \(describe(value.type))", fix: "write \(key) = true (no quotes)")
        }
        return bool
    }

    private func integer(
        _ table: TOMLTable, _ key: String, table name: String?, range: ClosedRange<Int>, example: Int,
        unit: String = "milliseconds"
    ) throws(SettingsError) -> Int? {
        guard let value = table[key] else { return nil }
        guard value.type == .int, let integer = value.int else {
            throw failure(
                name, key, "must be an integer number of \(unit), got \(describe(value.type))",
                fix: "write \(key) = \(example) (no quotes, no unit)")
        }
        guard range.contains(integer) else {
            throw failure(name, key, "must be within \(range.lowerBound)…\(range.upperBound), got \(integer)", fix: "choose a value in that range")
        }
        return integer
    }

    private func sensitivity(_ table: TOMLTable, _ key: String) throws(SettingsError) -> GatewaySettings.Sensitivity? {
        guard let text = try nonEmptyString(table, key, table: "vad", example: "\"high\"") else { return nil }
        guard let sensitivity = GatewaySettings.Sensitivity(rawValue: text.lowercased()) else {
            throw failure("vad", key, "must be \"high\" or \"low\", got \"\(text)\"", fix: "write \(key) = \"high\" or \"low\"")
        }
        return sensitivity
    }

    private func rejectUnknown(_ table: TOMLTable, table name: String?, known: [String]) throws(SettingsError) {
        guard let unknown = table.keys.filter({ !known.contains($0) }).sorted().first else { return }
        throw failure(
            name, unknown, "is not a known setting" + (name.map { " of [\($0)]" } ?? ""),
            fix: "remove it or correct its spelling; known: \(known.joined(separator: ", "))")
    }

    private func describe(_ type: TOMLType) -> String {
        switch type {
        case .int: "an integer"
        case .double: "a floating-point number"
        case .string: "a string"
        case .bool: "a boolean"
        case .table: "a table"
        case .array: "an array"
        default: "a date or time"
        }
    }

    // MARK: Locating keys

    private func failure(_ table: String?, _ key: String, _ problem: String, fix: String) -> SettingsError {
        SettingsError(
            path: path, line: line(of: key, in: table), key: table.map { "\($0).\(key)" } ?? key, problem: problem,
            fix: fix)
    }

    /// The 1-based line where `key` is assigned inside `[table]` (or at the top level, or as a `[key]` header).
    func line(of key: String, in table: String?) -> Int? {
        var current: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: " \t\"")
                if table == nil, name == key { return index + 1 }
                current = name
                continue
            }
            guard current == table else { continue }
            let name = line.prefix { $0 != "=" }.trimmingCharacters(in: " \t\"'")
            if name == key, line.contains("=") { return index + 1 }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[(firstIndex { !predicate($0) } ?? endIndex)...]
    }

    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
