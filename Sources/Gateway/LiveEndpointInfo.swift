import LiveProtocol

/// Where the gateway's local Live endpoint listens, as `GetLiveEndpoint` tells it: the Unix
/// socket, the loopback URL (when TCP is on) and the per-user token a TCP client must send.
public struct LiveEndpointInfo: Sendable, Hashable {
    /// The Unix socket's path; nil when it is off.
    public var socketPath: String?
    /// The base URL of the TCP listener, e.g. `ws://127.0.0.1:8765`; nil when it is off.
    public var url: String?
    /// The token TCP clients send as their API key (any of the service's credential forms).
    public var token: Secret
    /// The 0600 file that holds ``token``.
    public var tokenPath: String
    /// The API versions served, e.g. `["v1beta", "v1alpha"]`.
    public var apiVersions: [String]

    /// Where the endpoint listens.
    public init(socketPath: String?, url: String?, token: Secret, tokenPath: String, apiVersions: [String]) {
        self.socketPath = socketPath
        self.url = url
        self.token = token
        self.tokenPath = tokenPath
        self.apiVersions = apiVersions
    }
}
