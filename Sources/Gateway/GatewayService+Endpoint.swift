import AudioNodes
import DBusService
import Foundation
import Glibc
import LiveClient
import LiveProtocol
import Logging
import Synchronization

extension GatewayService {
    // MARK: Sessions of the local Live endpoint

    /// The owner every endpoint session is listed under (its sessions share the per-owner limit).
    public static let endpointOwner = "live-endpoint"

    /// The service endpoint a local client that dialled `apiVersion` is served from: the
    /// gateway's own, with the client's API version on the Gemini API. Nil when no credential is
    /// configured.
    public func upstream(apiVersion: String) -> LiveEndpoint? {
        guard var endpoint = configuration.client?.endpoint else { return nil }
        if endpoint.isGeminiAPI { endpoint.apiVersion = apiVersion }
        return endpoint
    }

    /// What `NotConfigured` says (no credential, so no endpoint session can start).
    public var notConfiguredExplanation: String { configuration.notConfiguredMessage }

    /// Starts a gateway session for a local Live client whose (preflighted) `setup` is to go to
    /// `endpoint`: it is listed, has its D-Bus object and signals, and relays the service's
    /// frames to `relay`. Returns once the service confirmed the setup; the client already got
    /// the `setupComplete` then.
    ///
    /// The session always asks the service for resumption handles, so that it can move to a new
    /// connection on goAway or after a drop while the client's connection stays open; the
    /// client's own `sessionResumption.handle` resumes the session it names. With `nodes` (the
    /// client's `x-gemini-live-nodes` header) the session gets a virtual microphone carrying the
    /// voice, and plays it on the speakers too for ``EndpointNodes/speakers``.
    ///
    /// - Throws: the named error when the session could not start; `relay` has then been closed
    ///   with the service's code and reason (or the gateway's explanation).
    public func openEndpointSession(
        setup clientSetup: Setup, endpoint: LiveEndpoint, client: String, relay: SessionRelay, nodes: EndpointNodes = .none
    ) async throws(DBusError) -> LiveSession {
        try beginStart()
        defer { endStart() }
        guard let client_ = configuration.client else {
            throw DBusError(GatewayError.notConfigured, configuration.notConfiguredMessage)
        }
        var audio: SessionAudio.Configuration?
        if nodes != .none {
            guard var defaults = self.configuration.audio?.nodes else {
                throw DBusError(GatewayError.audioUnavailable, "The gateway runs without audio (--no-audio): it has no nodes to give; drop the \(EndpointNodes.headerName) header or restart the gateway without --no-audio.")
            }
            defaults.capturesInput = false
            defaults.playsOnSpeakers = nodes == .speakers
            audio = defaults
        }
        var clientConfiguration = client_
        clientConfiguration.endpoint = endpoint
        // The setup was preflighted by the endpoint on the client's frame, against `endpoint`.
        clientConfiguration.preflight = false
        var setup = clientSetup
        setup.model = endpoint.modelPath(for: clientSetup.model)
        let resumeHandle = clientSetup.sessionResumption?.handle.flatMap { $0.isEmpty ? nil : $0 }
        setup.sessionResumption = SessionResumptionConfig(
            handle: resumeHandle, transparent: clientSetup.sessionResumption?.transparent)
        let configuration = SessionConfiguration(
            model: setup.modelID, responseModality: setup.generationConfig?.responseModalities?.first ?? .audio,
            activityDetection: setup.realtimeInputConfig?.automaticActivityDetection, sessionResumption: true,
            resumeHandle: resumeHandle)
        guard let bus = registry.withLock({ $0.bus }) else {
            throw DBusError(GatewayError.invalidState, "The gateway is shutting down.")
        }
        let (id, path) = try reserveEndpointPath()
        let limit = adjustable.withLock { $0.maxSessionsPerOwner }
        let session = LiveSession(
            id: id, owner: Self.endpointOwner, configuration: configuration, setup: setup,
            stallTimeout: self.configuration.stallTimeout, audio: audio, relay: relay,
            endingCause: { [weak self] in self?.isShuttingDown == true ? .shutdown : nil },
            emit: { [weak self] event, values in
                if case .closed(let code, let reason, let explanation) = event {
                    let close = RelayFilter.clientClose(code: code, reason: reason, explanation: explanation)
                    Task { await relay.close(close.code, close.reason) }
                }
                self?.emit(event, values: values, path: path, bus: bus)
            })
        logger.info("endpoint session \(id) for \(client): \(setup.modelID)")
        do {
            try await launch(session, at: path, on: bus, limit: limit)
        } catch let error as DBusError {
            await relay.close(1011, PreflightClose.truncated("gateway: \(error.message)"))
            throw error
        } catch {
            await relay.close(1011, "gateway: the session could not be started")
            throw DBusError(GatewayError.invalidState, "\(error)")
        }
        try await session.waitUntilReady()
        try? await bus.emitPropertiesChanged(
            path: try DBusObjectPath(GatewayConfiguration.managerPath), interface: GatewayConfiguration.managerInterface,
            changed: ["Sessions": sessionPaths()])
        return session
    }

    /// Lists a session for a local client whose setup preflight refused, ended at once with
    /// `explanation` as its `LastError` and `Closed`, so D-Bus tools see the refusal. Nothing
    /// goes to the service.
    public func recordRefusedEndpointSession(model: String, client: String, explanation: String) async {
        guard let bus = registry.withLock({ $0.bus }), let (id, path) = try? reserveEndpointPath() else { return }
        let session = LiveSession(
            id: id, owner: Self.endpointOwner, configuration: SessionConfiguration(model: model),
            setup: Setup(model: model),
            emit: { [weak self] event, values in self?.emit(event, values: values, path: path, bus: bus) })
        logger.warning("endpoint session \(id) for \(client) refused before anything was sent: \(explanation)")
        await session.refuseSetup(explanation)
        // The session is closed before it runs: serving it opens no connection, only lists it.
        try? await launch(session, at: path, on: bus, limit: Int.max)
    }

    private func reserveEndpointPath() throws(DBusError) -> (String, DBusObjectPath) {
        let id = String(registry.withLock { registry in
            defer { registry.nextID += 1 }
            return registry.nextID
        })
        return (id, try DBusObjectPath("\(GatewayConfiguration.managerPath)/session/\(id)"))
    }

    // MARK: GetLiveEndpoint

    /// Makes `info` what `GetLiveEndpoint` answers (the endpoint is listening).
    public func publishLiveEndpoint(_ info: LiveEndpointInfo?) {
        liveEndpoint.withLock { $0 = info }
    }

    /// `GetLiveEndpoint() → a{sv}`: `socket`, `url`, `token_file`, `api_versions`, and `token`
    /// only for a caller of the gateway's own Unix user.
    func liveEndpointReply(_ call: DBusMethodCall) async throws -> [DBusValue] {
        guard let info = liveEndpoint.withLock({ $0 }) else {
            throw DBusError(
                GatewayError.notConfigured,
                "The local Live endpoint is off: the gateway has no runtime directory ($XDG_RUNTIME_DIR) for its socket and no --live-port (or live_port in config.toml) for TCP.")
        }
        var entries: [DBusValue: DBusValue] = [
            .string("socket"): .variant(.string(info.socketPath ?? "")),
            .string("url"): .variant(.string(info.url ?? "")),
            .string("token_file"): .variant(.string(info.tokenPath)),
            .string("api_versions"): .variant(.array(element: .string, info.apiVersions.map(DBusValue.string))),
        ]
        if let bus = registry.withLock({ $0.bus }), try await bus.credentials(of: call.sender).userID == getuid() {
            entries[.string("token")] = .variant(.string(info.token.revealed))
        }
        return [.dictionary(key: .string, value: .variant, entries)]
    }
}
