import LiveProtocol
import NIOCore
import NIOSSL

/// How ``LiveClient`` connects: the endpoint and the transport's limits and timeouts.
public struct LiveClientConfiguration: Sendable {
    /// Where to connect and how to authenticate.
    public var endpoint: LiveEndpoint
    /// How long to wait for `setupComplete` after sending the setup.
    public var setupTimeout: Duration
    /// The largest message accepted or sent (model audio bursts and tool payloads exceed the usual
    /// 16 KiB WebSocket default).
    public var maxMessageSize: Int
    /// How often to ping. The service's pongs have been seen to take 8–30 s, and a missing pong
    /// only fails the connection when the next ping is due, so the period is generous. Nil turns
    /// pings off.
    public var keepalivePeriod: Duration?
    /// How long to wait for the peer's close frame after sending ours.
    public var closeTimeout: Duration
    /// Extra CA certificates (PEM files) trusted in addition to the system's roots.
    public var additionalTrustRoots: [String]
    /// Check the setup with ``Preflight`` before connecting and each message before sending it.
    public var preflight: Bool
    /// The event loop the connection runs on; nil: one of NIO's shared loops. A session pins
    /// all of its connections to one loop, so that its audio pump stays on one thread.
    public var eventLoop: (any EventLoop)?

    /// A configuration with production defaults.
    public init(
        endpoint: LiveEndpoint, setupTimeout: Duration = .seconds(15), maxMessageSize: Int = 16 << 20,
        keepalivePeriod: Duration? = .seconds(60), closeTimeout: Duration = .seconds(5),
        additionalTrustRoots: [String] = [], preflight: Bool = true
    ) {
        self.endpoint = endpoint
        self.setupTimeout = setupTimeout
        self.maxMessageSize = maxMessageSize
        self.keepalivePeriod = keepalivePeriod
        self.closeTimeout = closeTimeout
        self.additionalTrustRoots = additionalTrustRoots
        self.preflight = preflight
        self.eventLoop = nil
    }

    /// The process's TLS context for the system trust roots plus ``additionalTrustRoots``,
    /// built on first use and shared by every connection that trusts the same roots.
    func sharedTLSContext() throws -> NIOSSLContext {
        try SharedTLSContext.context(additionalTrustRoots: additionalTrustRoots)
    }
}
