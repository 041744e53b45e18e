import Foundation
import LiveProtocol
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization
import WSCore

/// Opens Live connections: WebSocket over TLS (or plain `ws://` to loopback only), the endpoint's
/// authentication, the setup handshake, and the close explained.
public enum LiveClient {
    /// Connects, sends `setup`, waits for `setupComplete`, then runs `body` with the open
    /// connection. When `body` returns the connection is closed normally (if it is still open).
    ///
    /// - Returns: what `body` returned and how the connection ended, explained.
    /// - Throws: ``LiveClientError`` when the connection could not be set up; whatever `body`
    ///   throws.
    public static func withConnection<Value: Sendable>(
        setup: Setup, configuration: LiveClientConfiguration, logger: Logger,
        _ body: @escaping @Sendable (LiveConnection) async throws -> Value
    ) async throws -> LiveConnectionOutcome<Value> {
        let url = configuration.endpoint.url
        try validate(url: url)
        if configuration.preflight {
            let report = Preflight.check(setup, endpoint: configuration.endpoint)
            for warning in report.warnings {
                logger.warning("preflight: \(warning)")
            }
            do {
                try report.throwIfBlocked()
            } catch {
                throw LiveClientError.preflightFailed(error)
            }
        }
        let setupFrame: Data
        do {
            setupFrame = try ClientMessage.setup(setup).encoded()
        } catch {
            throw LiveClientError.invalidURL("The setup cannot be encoded as JSON (non-finite number?).")
        }

        let headers = configuration.endpoint.headers.map { (name: $0.name, value: $0.value) }
        var connectionLogger = logger
        connectionLogger[metadataKey: "live.url"] = "\(url)"
        connectionLogger[metadataKey: "live.model"] = "\(setup.model)"
        let handshake = Handshake<Value>()
        let maxMessageSize = configuration.maxMessageSize
        let setupTimeout = configuration.setupTimeout
        let preflight = configuration.preflight
        let sessionLogger = connectionLogger

        let upgrade: LiveChannel.Upgrade
        do {
            guard let components = URLComponents(string: url) else { throw LiveClientError.invalidURL(url) }
            let tls = url.hasPrefix("wss:") ? try configuration.sharedTLSContext() : nil
            upgrade = try await LiveChannel.connect(
                url: components, headers: headers, tls: tls,
                eventLoop: configuration.eventLoop ?? MultiThreadedEventLoopGroup.singleton.next(),
                maxMessageSize: configuration.maxMessageSize, keepalive: configuration.keepalivePeriod,
                closeTimeout: configuration.closeTimeout)
        } catch let error as LiveClientError {
            throw error
        } catch {
            throw LiveClientError.connectFailed(describeConnectError(error, url: url))
        }
        guard case .webSocket(let asyncChannel, let handler) = upgrade else {
            throw LiveClientError.connectFailed(describeConnectError(LiveChannel.UpgradeRefused(), url: url))
        }

        /// The setup handshake, then `body` with the open connection.
        @Sendable func run(reader: FrameReader, transport: LiveTransport) async {
            let first: FirstFrame
            do {
                first = try await firstFrame(from: reader, transport: transport, timeout: setupTimeout)
            } catch {
                handshake.fail(.connectionDropped)
                return
            }
            switch first {
            case .timedOut:
                handshake.fail(.timedOut)
            case .closed:
                handshake.fail(.closedDuringSetup)
            case .message(let message):
                guard case .message(let server)? = FrameReader.decode(message), let complete = server.setupComplete
                else {
                    let text: String
                    switch message {
                    case .text(let string): text = String(string.prefix(120))
                    case .binary(let buffer): text = String(buffer: buffer).prefix(120).description
                    }
                    handshake.fail(.unexpected(text))
                    await transport.close(code: 1002, reason: "expected setupComplete")
                    return
                }
                sessionLogger.debug("setupComplete")
                let connection = LiveConnection(
                    setup: setup, setupComplete: complete, setupCompleteFrame: FrameReader.bytes(of: message),
                    reader: reader, transport: transport, preflight: preflight)
                handshake.open(connection)
                do {
                    handshake.finish(.success(try await body(connection)))
                } catch {
                    handshake.finish(.failure(error))
                }
            }
        }

        let closeFrame: (code: UInt16?, reason: String?)?
        do {
            closeFrame = try await asyncChannel.executeThenClose { inbound, _ in
                let reader = FrameReader(inbound: inbound, maxSize: maxMessageSize)
                let transport = LiveTransport(channel: asyncChannel.channel, handler: handler)
                try await transport.write(ByteBuffer(bytes: setupFrame))
                await run(reader: reader, transport: transport)
                await transport.close(code: 1000, reason: nil)
                while (try? await reader.nextMessage()) != nil {}
                return await transport.serviceClose()
            }
        } catch {
            if handshake.connection != nil {
                throw LiveClientError.connectionLost(describeConnectError(error, url: url))
            }
            throw LiveClientError.connectFailed(describeConnectError(error, url: url))
        }

        let code = closeFrame?.code
        let context = CloseExplanation.Context(
            duringSetup: handshake.connection == nil,
            responseModalities: setup.generationConfig?.responseModalities ?? [], model: setup.modelID)
        let explanation = CloseExplanation.explain(code: code, reason: closeFrame?.reason, context: context)
        switch handshake.outcome {
        case .failed(.timedOut):
            throw LiveClientError.setupTimedOut(setupTimeout)
        case .failed(.unexpected(let text)):
            throw LiveClientError.unexpectedFirstMessage(text)
        case .failed(.closedDuringSetup), .failed(.connectionDropped), .pending:
            throw LiveClientError.closedDuringSetup(explanation)
        case .finished(.failure(let error)):
            throw error
        case .finished(.success(let value)):
            sessionLogger.debug("connection ended: \(explanation)")
            return LiveConnectionOutcome(value: value, close: explanation)
        }
    }

    /// `ws://` is refused unless the host is loopback: credentials and audio never travel in clear.
    static func validate(url: String) throws(LiveClientError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw .invalidURL("\"\(url)\" is not a WebSocket URL; use wss://host[:port] or ws://127.0.0.1:PORT.")
        }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        switch scheme {
        case "wss":
            // TLS sends the host name in SNI, which cannot carry an address (NIOSSL refuses it).
            let isAddress = bare.contains(":") || (bare.split(separator: ".").count == 4 && bare.allSatisfy { $0.isNumber || $0 == "." })
            if isAddress {
                throw .invalidURL(
                    "wss:// needs a host name, not the address \(host): TLS names the server it expects (SNI), and an address cannot be named. Use the name the server's certificate carries, e.g. wss://localhost:\(components.port.map(String.init) ?? "PORT") for a local simulator.")
            }
            return
        case "ws":
            if bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") { return }
            throw .invalidURL(
                "ws:// (no TLS) is allowed only to loopback (127.0.0.1, ::1, localhost), not \(host); use wss:// so the key and audio are encrypted.")
        default:
            throw .invalidURL("Unsupported scheme \(scheme)://; the Live API uses wss:// (or ws:// to a local simulator).")
        }
    }

    static func describeConnectError(_ error: any Error, url: String) -> String {
        if error is LiveChannel.UpgradeRefused {
            return "the server at \(url) refused the WebSocket upgrade (an HTTP error: wrong path or API version, an unknown method, or a refused key)."
        }
        if let error = error as? NIOWebSocketError, error == .invalidFrameLength {
            return "the service sent a frame too large for the client (over twice its maxMessageSize); the connection was closed (1009)."
        }
        if let error = error as? NIOSSLError {
            return "TLS handshake with \(url) failed (\(error)); check the system CA store or the extra CA file."
        }
        if let error = error as? BoringSSLError {
            return "TLS handshake with \(url) failed (\(error)); the certificate is not trusted or does not match the host."
        }
        return "\(error) (\(url))."
    }

    enum FirstFrame: Sendable {
        case message(WebSocketMessage)
        case closed
        case timedOut
    }

    /// Reads the first frame, closing the connection if none arrives within `timeout`. (A pending
    /// WebSocket read does not end on task cancellation; closing the connection ends it.)
    static func firstFrame(
        from reader: FrameReader, transport: LiveTransport, timeout: Duration
    ) async throws -> FirstFrame {
        let expired = Mutex(false)
        let timer = Task {
            try await Task.sleep(for: timeout)
            expired.withLock { $0 = true }
            await transport.close(code: 1001, reason: "setupComplete not received")
        }
        defer { timer.cancel() }
        let message = try await reader.nextMessage()
        if expired.withLock({ $0 }) { return .timedOut }
        guard case .message(let frame, _, _)? = message else { return .closed }
        return .message(frame)
    }
}

/// What a finished connection produced: the body's value and how the connection ended.
public struct LiveConnectionOutcome<Value: Sendable>: Sendable {
    /// What the body returned.
    public var value: Value
    /// The close code and reason, explained (1006 when the connection dropped without a close).
    public var close: CloseExplanation
}

/// The handshake's progress, shared between the WebSocket handler and the caller.
final class Handshake<Value: Sendable>: Sendable {
    enum Failure: Sendable {
        case timedOut
        case closedDuringSetup
        case connectionDropped
        case unexpected(String)
    }

    enum Outcome: Sendable {
        case pending
        case failed(Failure)
        case finished(Result<Value, any Error>)
    }

    private let state = Mutex<(connection: LiveConnection?, outcome: Outcome)>((nil, .pending))

    var connection: LiveConnection? { state.withLock { $0.connection } }
    var outcome: Outcome { state.withLock { $0.outcome } }

    func open(_ connection: LiveConnection) { state.withLock { $0.connection = connection } }
    func fail(_ failure: Failure) { state.withLock { $0.outcome = .failed(failure) } }
    func finish(_ result: Result<Value, any Error>) { state.withLock { $0.outcome = .finished(result) } }
}
