import LiveProtocol

/// The gateway's configuration file, `$XDG_CONFIG_HOME/gemini-live-gateway/config.toml`: defaults for new
/// sessions, the endpoint, the key file and the audio buffers.
///
/// Precedence, per setting: StartSession options > this file > built-in defaults. Every field is optional; a
/// missing field keeps the built-in default.
/// ```toml
/// model = "gemini-3.8-live"
/// voice = "Kore"
/// language = "en-US"
/// thinking_level = "low"          # 3.x models; 2.5 models take thinking_budget = 1024 instead
/// # translate_to = "de"           # every session translates (gemini-3.5-live-translate-preview)
/// # translate_echo = false
/// # custom_voice = "voices/abc123"
/// key_file = "~/.config/gemini-live-gateway/api-key"
/// exit_when_idle_s = 300
///
/// [endpoint]
/// url = "wss://generativelanguage.googleapis.com"
/// api_version = "v1beta"
///
/// [vad]
/// start_sensitivity = "high"
/// silence_duration_ms = 500
///
/// [audio]
/// chunk_ms = 100
/// jitter_ms = 60
/// echo_cancel = "auto"
///
/// [live]            # the local Live endpoint (docs/live-endpoint.md)
/// socket = true
/// port = 8765
/// tls_cert = "~/.config/gemini-live-gateway/live-cert.pem"
/// tls_key = "~/.config/gemini-live-gateway/live-key.pem"
/// ```
public struct GatewaySettings: Sendable, Hashable {
    /// The model of sessions that name none.
    public var model: String?
    /// The prebuilt voice of sessions that name none.
    public var voice: String?
    /// The spoken reply's language (BCP-47) of sessions that name none.
    public var language: String?
    /// The API key file (mode 0600); `~` is expanded.
    public var keyFile: String?
    /// `thinking_level`: `minimal`, `low`, `medium`, `high` or `xhigh` (3.x models).
    public var thinkingLevel: ThinkingLevel?
    /// `thinking_budget`: tokens, -1 dynamic, 0 off (2.5 models).
    public var thinkingBudget: Int?
    /// `translate_to`: a BCP-47 target language; sessions then use the translation model unless
    /// `model` names another.
    public var translateTo: String?
    /// `translate_echo`: also speak input already in the target language.
    public var translateEcho: Bool?
    /// `custom_voice`: a Voices API voice name, instead of `voice`.
    public var customVoice: String?
    /// How long the gateway runs with no session before it exits (`exit_when_idle_s`, 0 … 86400 s);
    /// `.zero` means never, and so does `nil` unless the command line sets it.
    public var exitWhenIdle: Duration?
    /// The Live endpoint.
    public var endpoint: Endpoint
    /// Voice-activity detection defaults.
    public var vad: VoiceActivity
    /// Audio buffer sizes.
    public var audio: Audio
    /// The local Live endpoint.
    public var live: Live = Live()

    /// Settings with nothing set: every built-in default applies.
    public init(
        model: String? = nil, voice: String? = nil, language: String? = nil, keyFile: String? = nil,
        exitWhenIdle: Duration? = nil, endpoint: Endpoint = Endpoint(), vad: VoiceActivity = VoiceActivity(),
        audio: Audio = Audio()
    ) {
        self.model = model
        self.voice = voice
        self.language = language
        self.keyFile = keyFile
        self.exitWhenIdle = exitWhenIdle
        self.endpoint = endpoint
        self.vad = vad
        self.audio = audio
    }

    /// Allowed `exit_when_idle_s`, in seconds (0: never).
    public static let exitWhenIdleRange = 0...86_400

    /// The `[endpoint]` table.
    public struct Endpoint: Sendable, Hashable {
        /// Base URL of a Live endpoint (`ws://` or `wss://`), e.g. a `gemini-live-simulator`.
        public var url: String?
        /// API version: `v1beta` or `v1alpha` on the Gemini API (it does not serve Live on `v1`); any
        /// version with a custom ``url``.
        public var apiVersion: String?

        public init(url: String? = nil, apiVersion: String? = nil) {
            self.url = url
            self.apiVersion = apiVersion
        }
    }

    /// The `[vad]` table: the service's voice-activity detection.
    public struct VoiceActivity: Sendable, Hashable {
        /// Turn automatic detection off (the client marks speech itself).
        public var disabled: Bool?
        /// How readily speech is detected to start.
        public var startSensitivity: Sensitivity?
        /// How readily speech is detected to end.
        public var endSensitivity: Sensitivity?
        /// Milliseconds of speech before a start is committed.
        public var prefixPaddingMs: Int?
        /// Milliseconds of silence that end the user's turn.
        public var silenceDurationMs: Int?

        public init(
            disabled: Bool? = nil, startSensitivity: Sensitivity? = nil, endSensitivity: Sensitivity? = nil,
            prefixPaddingMs: Int? = nil, silenceDurationMs: Int? = nil
        ) {
            self.disabled = disabled
            self.startSensitivity = startSensitivity
            self.endSensitivity = endSensitivity
            self.prefixPaddingMs = prefixPaddingMs
            self.silenceDurationMs = silenceDurationMs
        }

        /// Whether any field is set.
        public var isEmpty: Bool { self == VoiceActivity() }
    }

    /// A detection sensitivity.
    public enum Sensitivity: String, Sendable, Hashable, CaseIterable {
        case high
        case low
    }

    /// The `[audio]` table: the sizes of each session's audio buffers. A `nil` field is not set: the
    /// audio nodes' built-in default applies.
    public struct Audio: Sendable, Hashable {
        /// The uplink chunk length, the audio sent to the service per message (`chunk_ms`,
        /// 20 … 1000 ms; built-in default 100 ms).
        public var chunkDuration: Duration?
        /// The target depth of the voice's jitter buffer, the model audio queued before playback
        /// starts (`jitter_ms`, 0 … 2000 ms; built-in default 60 ms).
        public var jitterTargetDepth: Duration?

        /// Whether sessions' microphones go through the echo canceller unless they say
        /// (`echo_cancel`: "auto", "on" or "off"; built-in default "auto").
        public var echoCancel: EchoCancel?

        /// The values of `echo_cancel`, as the `echo_cancel` StartSession option takes them.
        public enum EchoCancel: String, Sendable, Hashable, CaseIterable {
            /// When a microphone can hear speakers that play the voice.
            case auto
            /// Whenever there is a microphone and a sink.
            case on
            /// Never.
            case off
        }

        /// Audio settings; `nil` leaves a size to the built-in default.
        public init(chunkDuration: Duration? = nil, jitterTargetDepth: Duration? = nil, echoCancel: EchoCancel? = nil) {
            self.chunkDuration = chunkDuration
            self.jitterTargetDepth = jitterTargetDepth
            self.echoCancel = echoCancel
        }

        /// Allowed `chunk_ms`, in milliseconds.
        public static let chunkRange = 20...1000
        /// Allowed `jitter_ms`, in milliseconds.
        public static let jitterRange = 0...2000
    }

    /// A daemon's session defaults: the built-in options (the model ``LiveModel/defaultID``), this
    /// file's settings over them, and `model` (e.g. a command-line choice) over both.
    public func sessionDefaults(model override: String?) -> SessionConfiguration {
        var builtIn = SessionConfiguration()
        builtIn.model = LiveModel.defaultID
        var defaults = sessionDefaults(over: builtIn)
        if let override { defaults.model = override }
        return defaults
    }

    /// The `[live]` table: the local Live endpoint. A `nil` field is not set.
    public struct Live: Sendable, Hashable {
        /// Serve the Unix socket in `$XDG_RUNTIME_DIR/gemini-live` (built-in default true).
        public var socket: Bool?
        /// The loopback TCP port (`port`, 0 … 65535; 0 picks a free one); nil: no TCP listener.
        public var port: Int?
        /// A PEM certificate chain for TLS on the TCP port (`tls_cert`; `~` is expanded).
        public var tlsCertificate: String?
        /// Its PEM private key (`tls_key`).
        public var tlsKey: String?

        /// Endpoint settings; `nil` leaves a setting to the built-in default.
        public init(socket: Bool? = nil, port: Int? = nil, tlsCertificate: String? = nil, tlsKey: String? = nil) {
            self.socket = socket
            self.port = port
            self.tlsCertificate = tlsCertificate
            self.tlsKey = tlsKey
        }
    }

    /// The session defaults with this file's settings applied over `builtIn`.
    public func sessionDefaults(over builtIn: SessionConfiguration) -> SessionConfiguration {
        var configuration = builtIn
        if let model { configuration.model = model }
        if let voice { configuration.voice = voice }
        if let language { configuration.language = language }
        if let thinkingLevel { configuration.thinking = ThinkingConfig(thinkingLevel: thinkingLevel) }
        if let thinkingBudget { configuration.thinking = ThinkingConfig(thinkingBudget: thinkingBudget) }
        if let translateTo {
            configuration.translation = TranslationConfig(targetLanguageCode: translateTo, echoTargetLanguage: translateEcho)
            if model == nil { configuration.model = LiveModel.translateID }
        }
        if let customVoice {
            configuration.voice = nil
            configuration.customVoice = customVoice
        }
        if !vad.isEmpty {
            var detection = configuration.activityDetection ?? AutomaticActivityDetection()
            if let disabled = vad.disabled { detection.disabled = disabled }
            if let start = vad.startSensitivity { detection.startOfSpeechSensitivity = start == .high ? .high : .low }
            if let end = vad.endSensitivity { detection.endOfSpeechSensitivity = end == .high ? .high : .low }
            if let padding = vad.prefixPaddingMs { detection.prefixPaddingMs = padding }
            if let silence = vad.silenceDurationMs { detection.silenceDurationMs = silence }
            configuration.activityDetection = detection
        }
        return configuration
    }
}
