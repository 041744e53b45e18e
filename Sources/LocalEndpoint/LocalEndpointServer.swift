import Foundation
import Gateway
import Glibc
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import LiveProtocol
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The gateway's local Live endpoint: `BidiGenerateContent` (and `…Constrained`) served on the
/// service's paths, so that an existing Live client reaches the gateway by changing its base URL.
///
/// It listens on a Unix socket of mode 0600 in a 0700 directory of the user's runtime directory
/// (only the user may connect; the socket's permissions are the authorisation) and, when
/// configured, on a loopback TCP port, where the client must present the per-user token of
/// ``LocalToken`` as its API key. Each connection becomes a gateway session (``EndpointConnection``).
///
/// Run it in the daemon's `ServiceGroup` beside the ``GatewayService``: on graceful shutdown its
/// listeners stop and open connections are closed.
public struct LocalEndpointServer: Service {
    public let configuration: LocalEndpointConfiguration
    let gateway: GatewayService
    let logger: Logger

    /// An endpoint serving sessions of `gateway`.
    public init(configuration: LocalEndpointConfiguration, gateway: GatewayService, logger: Logger) {
        self.configuration = configuration
        self.gateway = gateway
        var logger = logger
        logger[metadataKey: "endpoint"] = "live"
        self.logger = logger
    }

    /// Serves until graceful shutdown.
    /// - Throws: ``LocalEndpointError`` when the directory, the token or the socket cannot be
    ///   made private, or another process serves the socket; a bind error for a taken port.
    public func run() async throws {
        let token = try LocalToken.load(directory: configuration.directory, path: configuration.tokenPath)
        if configuration.servesSocket, Self.isServed(configuration.socketPath) {
            throw LocalEndpointError.socketInUse(path: configuration.socketPath)
        }
        let published = Mutex(
            LiveEndpointInfo(
                socketPath: nil, url: nil, token: token, tokenPath: configuration.tokenPath,
                apiVersions: LocalEndpointConfiguration.apiVersions))
        let gateway = self.gateway
        let socketPath = configuration.socketPath
        defer {
            gateway.publishLiveEndpoint(nil)
            if configuration.servesSocket { unlink(socketPath) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if configuration.servesSocket {
                let application = try makeApplication(
                    address: .unixDomainSocket(path: socketPath), token: nil, tls: nil, transport: "unix socket"
                ) { _ in
                    guard chmod(socketPath, 0o600) == 0 else {
                        logger.error("cannot make \(socketPath) private (chmod 600); the endpoint is not published")
                        return
                    }
                    gateway.publishLiveEndpoint(published.withLock { $0.socketPath = socketPath; return $0 })
                    logger.notice("local Live endpoint on unix:\(socketPath)")
                }
                group.addTask { try await application.run() }
            }
            if let port = configuration.tcpPort {
                let host = configuration.tcpHost
                let tls = try configuration.tls.map(Self.serverTLS)
                let scheme = tls == nil ? "ws" : "wss"
                // TLS clients name the server (SNI), which an address cannot be: localhost.
                let urlHost = tls == nil ? (host.contains(":") ? "[\(host)]" : host) : "localhost"
                let application = try makeApplication(
                    address: .hostname(host, port: port), token: token, tls: tls, transport: "tcp \(host)"
                ) { channel in
                    let url = "\(scheme)://\(urlHost):\(channel.localAddress?.port ?? port)"
                    gateway.publishLiveEndpoint(published.withLock { $0.url = url; return $0 })
                    logger.notice("local Live endpoint on \(url) (clients send the token of \(configuration.tokenPath))")
                }
                group.addTask { try await application.run() }
            }
            try await group.waitForAll()
        }
    }

    private func makeApplication(
        address: BindAddress, token: Secret?, tls: TLSConfiguration?, transport: String,
        onRunning: @escaping @Sendable (any Channel) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: WebSocketServerConfiguration(maxFrameSize: configuration.maxMessageSize, autoPing: .disabled))
        let endpoint = self
        let server = HTTPServerBuilder { responder in
            let upgrade = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: webSocket) {
                request, _, _ in
                let connection = EndpointConnection(
                    target: request.path ?? "", headers: request.headerFields, transport: transport, token: token,
                    gateway: endpoint.gateway, configuration: endpoint.configuration, logger: endpoint.logger)
                return .upgrade([:]) { inbound, outbound, _ in
                    await connection.run(inbound: inbound, outbound: outbound)
                }
            }
            guard let tls else { return upgrade }
            return try TLSChannel(upgrade, tlsConfiguration: tls)
        }
        return Application(
            router: router, server: server, configuration: ApplicationConfiguration(address: address),
            onServerRunning: onRunning, logger: logger)
    }

    static func serverTLS(_ tls: LocalEndpointConfiguration.TLS) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw LocalEndpointError.unusable(
                path: tls.certificateChainPath, problem: "the TLS certificate or key cannot be read (\(error))")
        }
    }

    /// True when a process accepts connections on the Unix socket `path`.
    static func isServed(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
