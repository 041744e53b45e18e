import ArgumentParser
import Foundation
import Gateway
import GatewaySettings
import LiveClient
import LiveProtocol
import LiveSimulator
import Logging
import ServiceLifecycle
import UnixSignals

/// `gemini-live-gateway`: the daemon. Owns `io.github.geminilive.Gateway1` on the session bus and
/// runs Live sessions for desktop apps.
@main
struct GeminiLiveGateway: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemini-live-gateway",
        abstract: "Serve the Gemini Live API on the D-Bus session bus.",
        discussion: """
            The API key comes from GEMINI_API_KEY or a key file of mode 0600 (default
            $XDG_CONFIG_HOME/gemini-live-gateway/api-key); never from the command line.
            With --simulator the gateway runs an offline Live API simulator in-process and needs no key.
            Defaults come from the configuration file ($XDG_CONFIG_HOME/gemini-live-gateway/config.toml,
            or --config): command-line options > configuration file > built-in defaults, and
            StartSession options override both for their session. A bad file stops the gateway
            with the line, the key and a fix.
            """)

    @Flag(help: "Serve sessions from an embedded offline simulator instead of the real service.")
    var simulator = false

    @Option(help: ArgumentHelp("The configuration file (default: $XDG_CONFIG_HOME/gemini-live-gateway/config.toml).", valueName: "path"))
    var config: String?

    @Option(help: "Base URL of any Live-compatible endpoint, e.g. ws://127.0.0.1:PORT of a gemini-live-simulator.")
    var endpoint: String?

    @Option(name: .customLong("api-version"), help: "Gemini API version: v1beta (default), v1alpha or v1.")
    var apiVersionOption: String?

    @Option(name: .customLong("key-file"), help: "Read the API key from this file (mode 0600).")
    var keyFile: String?

    @Option(name: .customLong("ca-file"), help: "An extra CA certificate (PEM) to trust for the endpoint.")
    var caFile: String?

    @Option(name: .customLong("default-model"), help: "The model of sessions that name none (default: \(LiveModel.defaultID)).")
    var defaultModelOption: String?

    @Option(name: .customLong("max-sessions-per-owner"), help: "Open sessions one D-Bus client may have.")
    var maxSessionsPerOwner: Int = 16

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Flag(name: .customLong("no-audio"), help: "Run without PipeWire: sessions get no audio nodes.")
    var noAudio = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if simulator && endpoint != nil {
            throw ValidationError("--simulator and --endpoint exclude each other: the simulator is the endpoint.")
        }
        guard maxSessionsPerOwner > 0 else { throw ValidationError("--max-sessions-per-owner must be at least 1") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "gemini-live-gateway")
        let environment = ProcessInfo.processInfo.environment
        let settings: GatewaySettings
        do {
            settings = try GatewaySettings.load(
                path: config ?? GatewaySettings.defaultPath(environment: environment), required: config != nil,
                environment: environment)
        } catch {
            logger.critical("Cannot use the configuration file: \(error)")
            throw ExitCode.failure
        }
        let apiVersion = apiVersionOption ?? settings.endpoint.apiVersion ?? "v1beta"
        let endpoint = simulator ? nil : (self.endpoint ?? settings.endpoint.url)
        if simulator {
            let embedded = LiveSimulator(
                configuration: SimulatorConfiguration(), logger: Logger(label: "gemini-live-simulator"))
            try await embedded.withRunning { address in
                let endpoint = LiveEndpoint(baseURL: address.baseURL, apiVersion: apiVersion, credential: .none)
                try await serve(
                    client: LiveClientConfiguration(endpoint: endpoint), backend: "simulator \(address.baseURL)",
                    settings: settings, logger: logger)
            }
            return
        }
        let key: Secret?
        do {
            key = try APIKeySource.load(environment: environment, keyFile: keyFile ?? settings.keyFile)
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        let liveEndpoint = LiveEndpoint(
            baseURL: endpoint, apiVersion: apiVersion, credential: key.map(Credential.apiKey) ?? .none)
        var client = LiveClientConfiguration(endpoint: liveEndpoint)
        client.additionalTrustRoots = caFile.map { [$0] } ?? []
        let backend = endpoint == nil ? "gemini-api \(LiveEndpoint.geminiBaseURL)" : "custom \(liveEndpoint.baseURL)"
        if key == nil && endpoint == nil {
            logger.warning("no API key configured: StartSession will answer NotConfigured until one is set")
        }
        try await serve(
            client: key == nil && endpoint == nil ? nil : client, backend: backend, settings: settings, logger: logger)
    }

    private func serve(
        client: LiveClientConfiguration?, backend: String, settings: GatewaySettings, logger: Logger
    ) async throws {
        var builtIn = SessionConfiguration()
        builtIn.model = LiveModel.defaultID
        var defaults = settings.sessionDefaults(over: builtIn)
        if let defaultModelOption { defaults.model = defaultModelOption }
        let gateway = GatewayService(
            configuration: GatewayConfiguration(
                client: client, defaults: defaults, backend: backend, maxSessionsPerOwner: maxSessionsPerOwner,
                audio: noAudio ? nil : AudioConfiguration()),
            logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [gateway], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
