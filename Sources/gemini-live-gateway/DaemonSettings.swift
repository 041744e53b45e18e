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
    /// `--live-port`.
    var livePort: Int? = nil
    /// `--no-live-socket`.
    var noLiveSocket = false
    /// `--live-tls-cert` and `--live-tls-key`.
    var liveTLS: (certificate: String, key: String)? = nil

    /// What the daemon runs with when the configuration file says `file`.
    func resolved(with file: GatewaySettings) -> DaemonSettings {
        let idle = exitWhenIdle ?? file.exitWhenIdle
        return DaemonSettings(
            sessionDefaults: file.sessionDefaults(model: defaultModel), maxSessionsPerOwner: maxSessionsPerOwner,
            endpoint: simulator ? nil : endpoint ?? file.endpoint.url,
            apiVersion: apiVersion ?? file.endpoint.apiVersion ?? "v1beta",
            keyFile: simulator ? nil : keyFile ?? file.keyFile,
            exitWhenIdle: idle == .zero ? nil : idle, audio: file.audio,
            live: LiveSettings(
                socket: noLiveSocket ? false : file.live.socket ?? true, port: livePort ?? file.live.port,
                tlsCertificate: liveTLS?.certificate ?? file.live.tlsCertificate, tlsKey: liveTLS?.key ?? file.live.tlsKey))
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
    /// The local Live endpoint.
    var live: LiveSettings

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
        if live.socket != running.live.socket { names.append("live.socket") }
        if live.port != running.live.port { names.append("live.port") }
        if live.tlsCertificate != running.live.tlsCertificate || live.tlsKey != running.live.tlsKey {
            names.append("live.tls_cert")
        }
        return names
    }
}

/// Where the local Live endpoint listens, per setting: command line > configuration file > built-in.
struct LiveSettings: Sendable, Hashable {
    /// Serve the Unix socket.
    var socket: Bool
    /// The loopback TCP port; nil: none.
    var port: Int?
    var tlsCertificate: String?
    var tlsKey: String?
}
