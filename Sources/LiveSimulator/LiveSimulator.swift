import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import LiveProtocol
import Logging
import NIOCore
import NIOSSL

/// An offline Gemini Live API server (`BidiGenerateContent` over WebSocket), faithful to the
/// service's wire behaviour: paths and credentials, binary pretty-printed JSON frames, validation
/// closes with the service's codes and reasons, voice-activity detection, barge-in, tool calls,
/// session resumption, and scripted faults.
///
/// In-process use, e.g. in a test:
/// ```swift
/// let simulator = LiveSimulator(configuration: SimulatorConfiguration(pacing: .immediate))
/// simulator.enqueueFaults(FaultScript(closeAfter: .seconds(1), closeCode: 1011))  // the next connection only
/// try await simulator.withRunning { address in
///     // dial address.liveURL() …
///     let frames = simulator.recorder.connection(1)?.frames
/// }
/// ```
/// ``run(onListening:)`` and ``runService(onListening:)`` run it until cancelled or signalled.
public struct LiveSimulator: Sendable {
    /// How this simulator behaves.
    public let configuration: SimulatorConfiguration
    /// Every connection's frames and closes.
    public let recorder: SimulatorRecorder
    let store: ConversationStore
    let ledger: ConnectionLedger
    let logger: Logger

    /// A simulator; nothing listens until it runs. `logger` gets connection events (never keys).
    public init(
        configuration: SimulatorConfiguration = SimulatorConfiguration(),
        logger: Logger = Logger(label: "gemini-live-simulator")
    ) {
        self.configuration = configuration
        recorder = SimulatorRecorder(keepsFrames: configuration.recordsFrames)
        store = ConversationStore(handleLifetime: configuration.handleLifetime)
        ledger = ConnectionLedger()
        self.logger = logger
    }

    /// Applies `faults` to the next WebSocket connection instead of ``SimulatorConfiguration/faults``.
    /// Scripts queue up: the first goes to the next connection, the second to the one after.
    public func enqueueFaults(_ faults: FaultScript) {
        ledger.enqueue(faults)
    }

    /// Serves until the task is cancelled; `onListening` gets the bound address once.
    public func run(onListening: @escaping @Sendable (SimulatorAddress) async -> Void = { _ in }) async throws {
        try await makeApplication(onListening: onListening).run()
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully (open WebSockets get 1001).
    public func runService(onListening: @escaping @Sendable (SimulatorAddress) async -> Void = { _ in }) async throws {
        try await makeApplication(onListening: onListening).runService()
    }

    /// Starts the simulator, runs `body` with its address, then stops it.
    public func withRunning<Result: Sendable>(
        _ body: (SimulatorAddress) async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            let (addresses, continuation) = AsyncStream<SimulatorAddress>.makeStream()
            group.addTask {
                defer { continuation.finish() }
                try await self.run { address in
                    continuation.yield(address)
                    continuation.finish()
                }
            }
            var iterator = addresses.makeAsyncIterator()
            guard let address = await iterator.next() else {
                try await group.next()
                throw SimulatorError.stoppedBeforeListening
            }
            do {
                let result = try await body(address)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    func makeApplication(
        onListening: @escaping @Sendable (SimulatorAddress) async -> Void
    ) throws -> some ApplicationProtocol {
        let router = Router()
        ModelMetadataRoute.register(on: router, apiKey: configuration.apiKey)
        let webSocket = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: WebSocketServerConfiguration(maxFrameSize: configuration.maxFrameSize, autoPing: .disabled))
        let tls = try configuration.tls.map(Self.serverTLS)
        let simulator = self
        let server = HTTPServerBuilder { responder in
            let upgrade = HTTP1WebSocketUpgradeChannel(responder: responder, configuration: webSocket) {
                request, channel, _ in
                simulator.upgrade(request, channel: channel)
            }
            let guarded = UnknownPathGuard(base: upgrade)
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
        let host = configuration.host
        let usesTLS = configuration.tls != nil
        logger.info(
            "starting", metadata: ["host": "\(host)", "tls": "\(usesTLS)", "apiKeyRequired": "\(configuration.apiKey != nil)"])
        return Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: configuration.port)),
            onServerRunning: { channel in
                await onListening(SimulatorAddress(host: host, port: channel.localAddress?.port ?? 0, usesTLS: usesTLS))
            },
            logger: logger)
    }

    /// Decides a WebSocket upgrade: Live paths are upgraded (a refused credential is answered with
    /// a close once the client's first frame arrives, as WebSocket clients of the service see it:
    /// the close reason explains the error, which an HTTP status would not reach most clients);
    /// anything else was already answered 404 by ``UnknownPathGuard``.
    func upgrade(
        _ request: HTTPRequest, channel: any Channel
    ) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let target = request.path ?? ""
        guard case .live(let path) = ServedPath(target: target) else { return .dontUpgrade }
        let query = ServedPath.queryItems(of: target)
        let credential = CredentialCheck(
            headers: request.headerFields, query: query, apiKey: configuration.apiKey,
            allowsEphemeralTokens: path.isConstrained)
        return .upgrade([:]) { inbound, outbound, _ in
            let (number, queuedFaults) = ledger.openConnection()
            var logger = self.logger
            logger[metadataKey: "connection"] = "\(number)"
            let pathOnly = String(target.prefix { $0 != "?" })
            recorder.open(
                RecordedConnection(
                    number: number, path: pathOnly, queryNames: query.keys.sorted(), credentialForm: credential.form))
            logger.info(
                "connection opened",
                metadata: ["path": "\(pathOnly)", "credential": "\(credential.form?.rawValue ?? "none")"])
            let context = ConnectionContext(
                number: number, path: path, faults: queuedFaults ?? configuration.faults, configuration: configuration,
                store: store, ledger: ledger, logger: logger)
            await ConnectionHandler.run(
                inbound: inbound, outbound: outbound, channel: channel, context: context, credential: credential,
                recorder: recorder)
        }
    }

    static func serverTLS(_ tls: SimulatorTLS) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw SimulatorError.invalidTLS("\(error)")
        }
    }
}
