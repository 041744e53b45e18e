import Foundation

/// Where the gateway's local Live endpoint listens and how: a Unix socket in the user's runtime
/// directory by default, a loopback TCP port when asked for (optionally with TLS, which
/// python-genai needs: it always dials `wss://`), and the token file TCP clients authenticate with.
public struct LocalEndpointConfiguration: Sendable, Hashable {
    /// TLS for the TCP listener: a PEM certificate chain and its private key.
    public struct TLS: Sendable, Hashable {
        public var certificateChainPath: String
        public var privateKeyPath: String

        /// TLS from two PEM files.
        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// The directory (mode 0700) that holds the socket and the token, e.g.
    /// `$XDG_RUNTIME_DIR/gemini-live`.
    public var directory: String
    /// Serve on the Unix socket ``socketPath`` (default true).
    public var servesSocket: Bool
    /// The loopback TCP port; nil: no TCP listener; 0 picks a free one.
    public var tcpPort: Int?
    /// The loopback address the TCP listener binds (`127.0.0.1` or `::1`).
    public var tcpHost: String
    /// TLS for the TCP listener; nil serves plain `ws://` (loopback only).
    public var tls: TLS?
    /// The largest client message taken, in bytes.
    public var maxMessageSize: Int
    /// How long a client may take to send its setup after the upgrade.
    public var setupTimeout: Duration

    /// A configuration serving the socket in `directory`, and TCP on `tcpPort` when set.
    public init(
        directory: String, servesSocket: Bool = true, tcpPort: Int? = nil, tcpHost: String = "127.0.0.1",
        tls: TLS? = nil, maxMessageSize: Int = 16 << 20, setupTimeout: Duration = .seconds(30)
    ) {
        self.directory = directory
        self.servesSocket = servesSocket
        self.tcpPort = tcpPort
        self.tcpHost = tcpHost
        self.tls = tls
        self.maxMessageSize = maxMessageSize
        self.setupTimeout = setupTimeout
    }

    /// `directory/live.sock`.
    public var socketPath: String { "\(directory)/live.sock" }
    /// `directory/token`: the per-user token, mode 0600.
    public var tokenPath: String { "\(directory)/token" }

    /// `$XDG_RUNTIME_DIR/gemini-live`; nil without a runtime directory.
    public static func defaultDirectory(environment: [String: String]) -> String? {
        guard let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") else { return nil }
        return "\(runtime)/gemini-live"
    }

    /// The API versions whose Live paths are served: the ones the Gemini API serves Live on.
    public static let apiVersions = ["v1beta", "v1alpha"]
}
