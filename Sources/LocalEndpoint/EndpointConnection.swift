import DBusService
import Foundation
import Gateway
import HTTPTypes
import HummingbirdWebSocket
import LiveProtocol
import Logging
import NIOCore
import NIOWebSocket

/// One client connection of the local endpoint, from the upgrade to the close: the path and the
/// credential checked, the setup preflighted, the gateway session opened, and the client's frames
/// relayed through it until either side ends.
struct EndpointConnection: Sendable {
    /// What the connection was asked for.
    let target: String
    let headers: HTTPFields
    /// `unix socket` or `tcp 127.0.0.1:PORT` (for the log and the session's listing).
    let transport: String
    /// The token TCP clients must present; nil on the Unix socket (its permissions decide).
    let token: Secret?
    let gateway: GatewayService
    let configuration: LocalEndpointConfiguration
    let logger: Logger

    /// Serves the connection until it ends.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let socket = ClientSocket(outbound: outbound)
        var messages = inbound.messages(maxSize: configuration.maxMessageSize).makeAsyncIterator()
        let path: LocalLivePath
        switch LocalLivePath.parse(target) {
        case .success(let parsed):
            path = parsed
        case .failure(let refusal):
            logger.notice("refused a connection to \(target.prefix { $0 != "?" }): \(refusal.reason)")
            await refuseAfterFirstFrame(&messages, socket: socket, code: refusal.code, reason: refusal.reason)
            return
        }
        if let token {
            let credential = EndpointCredential(
                headers: headers, query: LocalLivePath.queryItems(of: target), token: token)
            if let refusal = credential.refusal {
                logger.notice(
                    "refused a client without the local token (\(credential.form ?? "no credential")); it is in the token file, or `gemini-live endpoint` shows it")
                await refuseAfterFirstFrame(&messages, socket: socket, code: refusal.code, reason: refusal.reason)
                return
            }
        }
        guard let endpoint = gateway.upstream(apiVersion: path.apiVersion) else {
            logger.warning("a local client connected, but \(gateway.notConfiguredExplanation)")
            await refuseAfterFirstFrame(
                &messages, socket: socket, code: 1011,
                reason: "gateway: no Gemini API key is configured; see `gemini-live doctor`")
            return
        }
        guard let first = await firstMessage(&messages, socket: socket) else { return }
        guard let setup = await preflight(first, endpoint: endpoint, socket: socket) else { return }
        let relay = SessionRelay(
            clientAskedForResumption: setup.sessionResumption != nil,
            send: { await socket.send($0) },
            close: { code, reason in await socket.sessionClose(code: code, reason: reason) },
            withheld: { _ in socket.withhold() })
        let session: LiveSession
        do {
            session = try await gateway.openEndpointSession(setup: setup, endpoint: endpoint, client: transport, relay: relay)
        } catch {
            logger.notice("endpoint session did not start: \(error.message)")
            // The session asked for the service's code and reason as it ended; the gateway's own
            // close when it did not.
            // (The session settles StartSession's wait a moment before it reports its close.)
            let close = await socket.waitForDeferredClose(timeout: .seconds(2))
                ?? (1011, PreflightClose.truncated("gateway: \(error.message)"))
            await socket.close(code: close.code, reason: close.reason)
            // Let the client answer the close before the connection ends.
            await Self.drain(&messages)
            return
        }
        socket.attach()
        if let close = socket.deferredClose {
            // The session ended between its setupComplete and now.
            await socket.close(code: close.code, reason: close.reason)
            await Self.drain(&messages)
            await session.close(.clientDisconnected)
            return
        }
        await relayClientFrames(&messages, to: session, socket: socket, apiVersion: path.apiVersion)
        await session.close(.clientDisconnected)
        let counts = socket.counts
        logger.info(
            "endpoint session \(session.id) ended: \(counts.sent) frame(s) relayed to the client, \(counts.withheld) of the gateway's handover traffic kept from it")
    }

    // MARK: Steps

    /// Waits for the client's first frame (so the close cannot race its upgrade; at most a
    /// second), then closes with `code` and `reason`.
    private func refuseAfterFirstFrame(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, socket: ClientSocket, code: UInt16, reason: String
    ) async {
        _ = await firstMessage(&messages, socket: socket, timeout: .seconds(1), closingWith: (code, reason))
        await socket.close(code: code, reason: reason)
    }

    /// The client's first message as text; nil when none came within `timeout` (the client is
    /// then closed with `closingWith`, by default the gateway's "no setup") or the connection ended.
    private func firstMessage(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, socket: ClientSocket, timeout: Duration? = nil,
        closingWith close: (code: UInt16, reason: String)? = nil
    ) async -> String? {
        let limit = timeout ?? configuration.setupTimeout
        let timeoutClose =
            close ?? (1008, "gateway: no setup within \(limit.components.seconds) s; send {\"setup\": {…}} first")
        let timer = Task {
            try await Task.sleep(for: limit)
            await socket.close(code: timeoutClose.code, reason: timeoutClose.reason)
        }
        defer { timer.cancel() }
        do {
            guard let message = try await messages.next() else { return nil }
            return Self.text(of: message)
        } catch {
            logger.debug("the client's connection ended before its setup: \(error)")
            return nil
        }
    }

    /// The setup of `frame` if preflight lets it go to `endpoint`; otherwise the client is closed
    /// with the service's code and a reason naming the fix, the refusal listed as a session, and
    /// nil returned.
    private func preflight(_ frame: String, endpoint: LiveEndpoint, socket: ClientSocket) async -> Setup? {
        let report = Preflight.check(rawFirstFrame: frame, endpoint: endpoint)
        for warning in report.warnings { logger.warning("preflight of a local client's setup: \(warning)") }
        let setup: Setup?
        if report.errors.isEmpty, case .setup(let decoded)? = try? ClientMessage.decode(Data(frame.utf8)) {
            setup = decoded
        } else {
            setup = nil
        }
        if let setup { return setup }
        let issue =
            report.errors.first
            ?? PreflightIssue(
                rule: "setup-first", field: "(frame)", problem: "The first frame is not a setup.",
                fix: "Send {\"setup\": {…}} first.")
        let close = PreflightClose(refusing: issue)
        let explanation = report.errors.isEmpty ? issue.description : PreflightError(issues: report.issues).description
        logger.warning(
            "refused a local client's setup before anything went to the service: close \(close.code) \"\(close.reason)\"; \(explanation)")
        await socket.close(code: close.code, reason: close.reason)
        await gateway.recordRefusedEndpointSession(
            model: Self.modelName(in: frame), client: transport,
            explanation: "The service would refuse this setup (close \(close.code)); the gateway refused it first: \(explanation)")
        return nil
    }

    /// Relays the client's frames through `session` until the client leaves or is closed.
    private func relayClientFrames(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, to session: LiveSession, socket: ClientSocket,
        apiVersion: String
    ) async {
        while !socket.isClosed {
            let message: WebSocketMessage?
            do {
                message = try await messages.next()
            } catch {
                logger.debug("the client's connection ended: \(error)")
                return
            }
            guard let message else { return }
            let text = Self.text(of: message)
            let decoded: ClientMessage
            switch Self.validate(text, apiVersion: apiVersion) {
            case .success(let value):
                decoded = value
            case .failure(let refusal):
                logger.warning("closed a local client for a frame the service refuses: \(refusal.code) \"\(refusal.reason)\"")
                await socket.close(code: refusal.code, reason: refusal.reason)
                return
            }
            switch await session.relayFromClient(decoded) {
            case .sent, .held:
                continue
            case .refused(let close, let explanation):
                logger.warning("closed a local client for a frame the service refuses: \(close); \(explanation)")
                await socket.close(code: close.code, reason: close.reason)
                return
            case .notSent(let explanation):
                logger.warning("a local client's \(decoded.key) was not sent: \(explanation)")
            }
        }
    }

    // MARK: Frames

    /// Reads (and drops) what the client still sends until its connection ends: after a close
    /// frame, that is the client's close reply (the WebSocket layer's close timeout bounds the
    /// wait for a client that never answers).
    static func drain(_ messages: inout WebSocketInboundMessageStream.AsyncIterator) async {
        while (try? await messages.next()) != nil {}
    }

    /// A client frame the service takes, decoded; or the close the service answers it with.
    static func validate(_ text: String, apiVersion: String) -> Result<ClientMessage, PathRefusal> {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            return .failure(PathRefusal(code: 1007, reason: "Invalid JSON payload received. Unexpected token."))
        }
        if let violation = MessageSchema.clientMessage.firstViolation(in: value, path: "") {
            return .failure(
                PathRefusal(code: 1007, reason: PreflightClose.truncated(violation.serviceReason(apiVersion: apiVersion))))
        }
        do {
            return .success(try ClientMessage.decode(Data(text.utf8)))
        } catch {
            return .failure(PathRefusal(code: 1007, reason: "Request contains an invalid argument."))
        }
    }

    static func text(of message: WebSocketMessage) -> String {
        switch message {
        case .text(let text): text
        case .binary(let buffer): String(buffer: buffer)
        }
    }

    /// The model a (refused) first frame names, for the session's listing.
    static func modelName(in frame: String) -> String {
        guard case .object(let top)? = try? JSONValue(parsing: frame) else { return "" }
        let setup = top["setup"].flatMap { value -> [String: JSONValue]? in
            if case .object(let fields) = value { return fields }
            return nil
        } ?? top
        if case .string(let model)? = setup["model"] { return model }
        return ""
    }
}
