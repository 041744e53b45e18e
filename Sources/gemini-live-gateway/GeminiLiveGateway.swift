import ArgumentParser
import AudioNodes
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
            with the line, the key and a fix. SIGHUP reads the file again: new sessions get its
            defaults, open sessions keep theirs, and a bad file leaves the settings as they were.
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

    @Option(
        name: .customLong("exit-when-idle"),
        help: ArgumentHelp(
            "Exit after this many seconds with no session (0: never; default: exit_when_idle_s of the configuration file, else never).",
            valueName: "seconds"))
    var exitWhenIdle: Int?

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
        if let exitWhenIdle, !GatewaySettings.exitWhenIdleRange.contains(exitWhenIdle) {
            throw ValidationError(
                "--exit-when-idle must be within \(GatewaySettings.exitWhenIdleRange.lowerBound)…\(GatewaySettings.exitWhenIdleRange.upperBound) seconds")
        }
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
        let file = ConfigurationFile(
            path: config ?? GatewaySettings.defaultPath(environment: environment), required: config != nil,
            environment: environment)
        let settings: DaemonSettings
        do {
            settings = commandLine.resolved(with: try file.load())
        } catch {
            logger.critical("Cannot use the configuration file: \(error)")
            throw ExitCode.failure
        }
        let apiVersion = settings.apiVersion
        let endpoint = settings.endpoint
        if simulator {
            let embedded = LiveSimulator(
                configuration: SimulatorConfiguration(), logger: Logger(label: "gemini-live-simulator"))
            try await embedded.withRunning { address in
                let endpoint = LiveEndpoint(baseURL: address.baseURL, apiVersion: apiVersion, credential: .none)
                try await serve(
                    client: LiveClientConfiguration(endpoint: endpoint), backend: "simulator \(address.baseURL)",
                    settings: settings, file: file, logger: logger)
            }
            return
        }
        let key: Secret?
        do {
            let loaded = try await APIKeySource.load(
                environment: environment, keyFile: settings.keyFile, secretService: SecretServiceKeySource(),
                logger: logger)
            if let loaded { logger.info("API key from \(loaded.origin)") }
            key = loaded?.key
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
            client: key == nil && endpoint == nil ? nil : client, backend: backend, settings: settings, file: file,
            logger: logger)
    }

    /// The options that override the configuration file.
    private var commandLine: CommandLineSettings {
        CommandLineSettings(
            simulator: simulator, endpoint: endpoint, apiVersion: apiVersionOption, keyFile: keyFile,
            defaultModel: defaultModelOption, exitWhenIdle: exitWhenIdle.map { .seconds($0) },
            maxSessionsPerOwner: maxSessionsPerOwner)
    }

    private func serve(
        client: LiveClientConfiguration?, backend: String, settings: DaemonSettings, file: ConfigurationFile,
        logger: Logger
    ) async throws {
        var configuration = GatewayConfiguration(
            client: client, defaults: settings.sessionDefaults, backend: backend,
            maxSessionsPerOwner: settings.maxSessionsPerOwner)
        configuration.exitWhenIdle = settings.exitWhenIdle
        configuration.resumptionStorePath = ResumptionStore.defaultPath(environment: ProcessInfo.processInfo.environment)
        if !noAudio {
            var nodes = SessionAudio.Configuration()
            if let chunk = settings.audio.chunkDuration { nodes.input.chunkDuration = chunk }
            if let jitter = settings.audio.jitterTargetDepth { nodes.output.targetDepth = jitter }
            configuration.audio = AudioConfiguration(nodes: nodes)
        }
        let gateway = GatewayService(configuration: configuration, logger: logger)
        let reloader = ConfigurationReloader(
            hangups: await UnixSignalsSequence(trapping: .sighup), file: file, commandLine: commandLine,
            running: settings, gateway: gateway, logger: logger)
        // The gateway returning on its own (idle) is a normal end: the reloader then stops too.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: gateway, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: reloader),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
