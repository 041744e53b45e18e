import DBusService
import LiveClient
import LiveProtocol

/// What the gateway serves and how: the Live endpoint sessions connect to, the session defaults,
/// and the limits.
public struct GatewayConfiguration: Sendable {
    /// How sessions connect; nil when no credential is configured (StartSession then fails with
    /// `NotConfigured`).
    public var client: LiveClientConfiguration?
    /// What `NotConfigured` says: how to set a key.
    public var notConfiguredMessage: String
    /// Options a session gets when StartSession does not set them, until
    /// ``GatewayService/updateDefaults(_:maxSessionsPerOwner:)`` replaces them.
    public var defaults: SessionConfiguration
    /// The `Backend` property: kind and endpoint, e.g. `simulator ws://127.0.0.1:40233`.
    public var backend: String
    /// The `Version` property.
    public var version: String
    /// Open sessions one caller may have, until ``GatewayService/updateDefaults(_:maxSessionsPerOwner:)``
    /// replaces it.
    public var maxSessionsPerOwner: Int
    /// The bus to serve on.
    public var busAddress: DBusConnection.Address
    /// How long shutdown waits for sessions to close.
    public var shutdownTimeout: Duration
    /// PipeWire nodes for sessions; nil runs the gateway without audio.
    public var audio: AudioConfiguration?
    /// Where detached sessions' resumption handles are kept across restarts (see
    /// ``ResumptionStore``); nil keeps none.
    public var resumptionStorePath: String? = nil
    /// How long the service may stay silent after input that asks for a reply before the
    /// session moves to a new connection (a stall watchdog).
    public var stallTimeout: Duration = .seconds(20)
    /// How long the gateway serves with no session open and no StartSession in flight before
    /// ``GatewayService/run()`` stops as on graceful shutdown; nil: it never exits for idleness.
    public var exitWhenIdle: Duration? = nil

    public init(
        client: LiveClientConfiguration?, notConfiguredMessage: String = GatewayConfiguration.howToSetAKey,
        defaults: SessionConfiguration = SessionConfiguration(), backend: String, version: String = GatewayConfiguration.currentVersion,
        maxSessionsPerOwner: Int = 16, busAddress: DBusConnection.Address = .session,
        shutdownTimeout: Duration = .seconds(5), audio: AudioConfiguration? = nil
    ) {
        self.audio = audio
        self.client = client
        self.notConfiguredMessage = notConfiguredMessage
        self.defaults = defaults
        self.backend = backend
        self.version = version
        self.maxSessionsPerOwner = maxSessionsPerOwner
        self.busAddress = busAddress
        self.shutdownTimeout = shutdownTimeout
    }

    /// Why `version` cannot serve Live sessions here, with the fix; nil when it can. The Gemini API
    /// and the embedded simulator (which follows it) serve Live on v1beta and v1alpha only; a
    /// custom `--endpoint` may use any version.
    public static func apiVersionProblem(_ version: String, endpoint: String?, simulator: Bool) -> String? {
        if simulator {
            guard !LiveEndpoint.geminiLiveVersions.contains(version) else { return nil }
            return "the simulator serves Live on v1beta and v1alpha, like the Gemini API. Use --api-version v1beta."
        }
        let live = LiveEndpoint(baseURL: endpoint, apiVersion: version, credential: .none)
        return live.apiVersionProblem.map { "\($0) (--api-version v1beta, or api_version in config.toml)" }
    }

    /// The gateway's version.
    public static let currentVersion = "0.1.0"

    /// The standard advice when no key is configured.
    public static let howToSetAKey =
        "No Gemini API key is configured. Set GEMINI_API_KEY in the gateway's environment, or write the key to ~/.config/gemini-live-gateway/api-key with mode 0600 (chmod 600), then restart the gateway; or run it with --simulator to try it without a key."

    /// The bus name.
    public static let busName = "io.github.geminilive.Gateway1"
    /// The manager object's path.
    public static let managerPath = "/io/github/geminilive/Gateway1"
    /// The manager interface.
    public static let managerInterface = "io.github.geminilive.Gateway1"
    /// The session interface.
    public static let sessionInterface = "io.github.geminilive.Gateway1.Session"
}
