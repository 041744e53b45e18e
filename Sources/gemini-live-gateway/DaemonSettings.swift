import Gateway
import GatewaySettings

/// The daemon's command-line options that override the configuration file.
struct CommandLineSettings: Sendable {
    /// `--simulator`: the embedded simulator is the endpoint, and no key is read.
    var simulator: Bool
    /// `--endpoint`.
    var endpoint: String?
    /// `--api-version`.
    var apiVersion: String?
    /// `--key-file`.
    var keyFile: String?
    /// `--default-model`.
    var defaultModel: String?
    /// `--exit-when-idle`, zero meaning never.
    var exitWhenIdle: Duration?
    /// `--max-sessions-per-owner`.
    var maxSessionsPerOwner: Int

    /// What the daemon runs with when the configuration file says `file`.
    func resolved(with file: GatewaySettings) -> DaemonSettings {
        let idle = exitWhenIdle ?? file.exitWhenIdle
        return DaemonSettings(
            sessionDefaults: file.sessionDefaults(model: defaultModel), maxSessionsPerOwner: maxSessionsPerOwner,
            endpoint: simulator ? nil : endpoint ?? file.endpoint.url,
            apiVersion: apiVersion ?? file.endpoint.apiVersion ?? "v1beta",
            keyFile: simulator ? nil : keyFile ?? file.keyFile,
            exitWhenIdle: idle == .zero ? nil : idle, audio: file.audio)
    }
}

/// What the daemon runs with, per setting: command-line options > configuration file > built-in
/// defaults.
struct DaemonSettings: Sendable, Hashable {
    /// Options of sessions that do not set them.
    var sessionDefaults: SessionDefaults
    /// Open sessions one caller may have.
    var maxSessionsPerOwner: Int
    /// The Live endpoint's base URL; nil for the Gemini API (or the embedded simulator).
    var endpoint: String?
    /// The Gemini API version.
    var apiVersion: String
    /// The API key file; nil for the default one (or none with the simulator).
    var keyFile: String?
    /// How long the daemon runs with no session before it exits; nil: never.
    var exitWhenIdle: Duration?
    /// The sizes of each session's audio buffers.
    var audio: GatewaySettings.Audio

    /// The settings that differ from `running` but take effect only when the daemon starts again,
    /// named as in the configuration file.
    func needingRestart(comparedTo running: DaemonSettings) -> [String] {
        var names: [String] = []
        if endpoint != running.endpoint { names.append("endpoint.url") }
        if apiVersion != running.apiVersion { names.append("endpoint.api_version") }
        if keyFile != running.keyFile { names.append("key_file") }
        if exitWhenIdle != running.exitWhenIdle { names.append("exit_when_idle_s") }
        if audio.chunkDuration != running.audio.chunkDuration { names.append("audio.chunk_ms") }
        if audio.jitterTargetDepth != running.audio.jitterTargetDepth { names.append("audio.jitter_ms") }
        if audio.echoCancel != running.audio.echoCancel { names.append("audio.echo_cancel") }
        return names
    }
}
