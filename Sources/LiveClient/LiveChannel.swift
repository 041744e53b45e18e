import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization

/// Opens the client channel of one Live connection with swift-nio's own parts: TCP, TLS
/// (`NIOSSLClientHandler` on the process's shared context), the HTTP upgrade
/// (`NIOTypedWebSocketClientUpgrader`), then the frame aggregator and ``LiveFrameHandler``
/// before an `NIOAsyncChannel` for the reader.
enum LiveChannel {
    /// The upgraded channel and its frame handler, or the server's refusal.
    enum Upgrade: Sendable {
        case webSocket(NIOAsyncChannel<LiveInbound, WebSocketFrame>, NIOLoopBound<LiveFrameHandler>)
        case refused
    }

    /// The server answered the upgrade request with something other than 101.
    struct UpgradeRefused: Error {}

    /// Connects to `url` on `eventLoop` and upgrades to WebSocket. Frames and messages up to twice
    /// `maxMessageSize` are read (the reader refuses those over it with their size).
    static func connect(
        url: URLComponents, headers: [(name: String, value: String)], tls: NIOSSLContext?, eventLoop: any EventLoop,
        maxMessageSize: Int, keepalive: Duration?, closeTimeout: Duration
    ) async throws -> Upgrade {
        let maxFrameSize = 2 * maxMessageSize
        let host = url.host ?? ""
        let port = url.port ?? (tls == nil ? 80 : 443)
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let path = (url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath) + (url.percentEncodedQuery.map { "?\($0)" } ?? "")
        var requestHeaders = HTTPHeaders()
        requestHeaders.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        requestHeaders.add(name: "Origin", value: "\(url.scheme ?? "wss")://\(host)")
        for header in headers { requestHeaders.add(name: header.name, value: header.value) }
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: requestHeaders)
        // ClientBootstrap sets TCP_NODELAY by default: each audio frame leaves at once.
        let upgrade = try await ClientBootstrap(group: eventLoop)
            .connect(host: bare, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: maxFrameSize) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let handler = LiveFrameHandler(
                                maxMessageSize: maxMessageSize, keepalive: keepalive, closeTimeout: closeTimeout)
                            try channel.pipeline.syncOperations.addHandler(
                                NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 1 << 16,
                                    maxAccumulatedFrameSize: maxFrameSize))
                            try channel.pipeline.syncOperations.addHandler(handler)
                            let asyncChannel = try NIOAsyncChannel<LiveInbound, WebSocketFrame>(
                                wrappingChannelSynchronously: channel,
                                configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 16)))
                            return Upgrade.webSocket(asyncChannel, NIOLoopBound(handler, eventLoop: channel.eventLoop))
                        }
                    }
                    let upgradeConfiguration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: request, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { .refused } })
                    var configuration = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: upgradeConfiguration)
                    configuration.leftOverBytesStrategy = .forwardBytes
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: bare), position: .first)
                    }
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: configuration)
                }
            }
        return try await upgrade.get()
    }
}

/// The process's TLS contexts, one per set of extra trust roots: built once (the CA bundle is
/// parsed once) and shared by every connection and reconnect.
enum SharedTLSContext {
    private static let contexts = Mutex<[[String]: NIOSSLContext]>([:])

    /// The context for the system roots plus `additionalTrustRoots`.
    static func context(additionalTrustRoots: [String]) throws -> NIOSSLContext {
        try contexts.withLock { contexts in
            if let context = contexts[additionalTrustRoots] { return context }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = additionalTrustRoots.map { .file($0) }
            let context = try NIOSSLContext(configuration: tls)
            contexts[additionalTrustRoots] = context
            return context
        }
    }
}
