import LiveClient
import LiveProtocol

/// The options of sessions that do not set them (``GatewayConfiguration/defaults``), named here so
/// that the executables configure the gateway through this module alone.
public typealias SessionDefaults = SessionConfiguration

extension GatewayConfiguration {
    /// The model of sessions that name none, unless the configuration sets another.
    public static let builtInModelID = LiveModel.defaultID

    /// A gateway whose sessions go to a simulator at `baseURL` (`ws://HOST:PORT`), with no credential.
    public init(
        simulatorAt baseURL: String, apiVersion: String, defaults: SessionDefaults, maxSessionsPerOwner: Int
    ) {
        let endpoint = LiveEndpoint(baseURL: baseURL, apiVersion: apiVersion, credential: .none)
        self.init(
            client: LiveClientConfiguration(endpoint: endpoint), defaults: defaults, backend: "simulator \(baseURL)",
            maxSessionsPerOwner: maxSessionsPerOwner)
    }

    /// A gateway whose sessions go to the Gemini API (`endpoint` nil) or to a custom Live endpoint,
    /// with `key` if there is one and `caFile` trusted besides the system's roots. With neither a key
    /// nor an endpoint there is nothing to connect to: StartSession then answers `NotConfigured`.
    public init(
        endpoint: String?, apiVersion: String, key: APIKeySource.LoadedKey?, caFile: String?,
        defaults: SessionDefaults, maxSessionsPerOwner: Int
    ) {
        let liveEndpoint = LiveEndpoint(
            baseURL: endpoint, apiVersion: apiVersion, credential: key.map { .apiKey($0.key) } ?? .none)
        var client = LiveClientConfiguration(endpoint: liveEndpoint)
        client.additionalTrustRoots = caFile.map { [$0] } ?? []
        let backend = endpoint == nil ? "gemini-api \(LiveEndpoint.geminiBaseURL)" : "custom \(liveEndpoint.baseURL)"
        self.init(
            client: key == nil && endpoint == nil ? nil : client, defaults: defaults, backend: backend,
            maxSessionsPerOwner: maxSessionsPerOwner)
    }

    /// Whether sessions have an endpoint to connect to (a key, or an endpoint that may need none).
    public var isConfigured: Bool { client != nil }
}
