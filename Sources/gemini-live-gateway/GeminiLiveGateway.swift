import ArgumentParser
import Foundation
import Gateway
import GatewaySettings
import LiveSimulator
import LocalEndpoint
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

    @Option(
        name: .customLong("api-version"),
        help: "API version: v1beta (default) or v1alpha on the Gemini API (it does not serve Live on v1); any version with --endpoint.")
    var apiVersionOption: String?

    @Option(name: .customLong("key-file"), help: "Read the API key from this file (mode 0600).")
    var keyFile: String?

    @Option(name: .customLong("ca-file"), help: "An extra CA certificate (PEM) to trust for the endpoint.")
    var caFile: String?

    @Option(name: .customLong("default-model"), help: "The model of sessions that name none (default: \(GatewayConfiguration.builtInModelID)).")
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

    @Option(
        name: .customLong("live-port"),
        help: ArgumentHelp(
            "Also serve the local Live endpoint on this loopback TCP port (0 picks a free one); clients send the token of `gemini-live endpoint` as their API key.",
            valueName: "port"))
    var livePort: Int?

    @Option(name: .customLong("live-tls-cert"), help: ArgumentHelp("TLS certificate chain (PEM) for --live-port (python-genai dials wss:// only).", valueName: "path"))
    var liveTLSCertificate: String?

    @Option(name: .customLong("live-tls-key"), help: ArgumentHelp("The private key (PEM) of --live-tls-cert.", valueName: "path"))
    var liveTLSKey: String?

    @Flag(name: .customLong("no-live-socket"), help: "Do not serve the local Live endpoint on its Unix socket ($XDG_RUNTIME_DIR/gemini-live/live.sock).")
    var noLiveSocket = false

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if simulator && endpoint != nil {
            throw ValidationError("--simulator and --endpoint exclude each other: the simulator is the endpoint.")
        }
        guard maxSessionsPerOwner > 0 else { throw ValidationError("--max-sessions-per-owner must be at least 1") }
        if let livePort, !(0...65_535).contains(livePort) {
            throw ValidationError("--live-port must be a TCP port, 0…65535 (0 picks a free one)")
        }
        if (liveTLSCertificate == nil) != (liveTLSKey == nil) {
            throw ValidationError("--live-tls-cert and --live-tls-key go together: give both, or neither for plain ws:// on loopback")
        }
        if let apiVersionOption, let problem = GatewayConfiguration.apiVersionProblem(apiVersionOption, endpoint: endpoint, simulator: simulator) {
            throw ValidationError("--api-version \(apiVersionOption): \(problem)")
        }
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
        if let problem = GatewayConfiguration.apiVersionProblem(apiVersion, endpoint: endpoint, simulator: simulator) {
            logger.critical("Cannot use API version \(apiVersion): \(problem)")
            throw ExitCode.failure
        }
        if simulator {
            let embedded = LiveSimulator(
                configuration: SimulatorConfiguration(), logger: Logger(label: "gemini-live-simulator"))
            try await embedded.withRunning { address in
                try await serve(
                    GatewayConfiguration(
                        simulatorAt: address.baseURL, apiVersion: settings.apiVersion,
                        defaults: settings.sessionDefaults, maxSessionsPerOwner: settings.maxSessionsPerOwner),
                    settings: settings, file: file, logger: logger)
            }
            return
        }
        let key: APIKeySource.LoadedKey?
        do {
            key = try await APIKeySource.load(
                environment: environment, keyFile: settings.keyFile, secretService: SecretServiceKeySource(),
                logger: logger)
            if let key { logger.info("API key from \(key.origin)") }
        } catch {
            logger.critical("\(error)")
            throw ExitCode.failure
        }
        let configuration = GatewayConfiguration(
            endpoint: settings.endpoint, apiVersion: settings.apiVersion, key: key, caFile: caFile,
            defaults: settings.sessionDefaults, maxSessionsPerOwner: settings.maxSessionsPerOwner)
        if !configuration.isConfigured {
            logger.warning("no API key configured: StartSession will answer NotConfigured until one is set")
        }
        try await serve(configuration, settings: settings, file: file, logger: logger)
    }

    /// The options that override the configuration file.
    private var commandLine: CommandLineSettings {
        CommandLineSettings(
            simulator: simulator, endpoint: endpoint, apiVersion: apiVersionOption, keyFile: keyFile,
            defaultModel: defaultModelOption, exitWhenIdle: exitWhenIdle.map { .seconds($0) },
            maxSessionsPerOwner: maxSessionsPerOwner, livePort: livePort, noLiveSocket: noLiveSocket,
            liveTLS: liveTLSCertificate.flatMap { certificate in liveTLSKey.map { (certificate, $0) } })
    }

    private func serve(
        _ configuration: GatewayConfiguration, settings: DaemonSettings, file: ConfigurationFile, logger: Logger
    ) async throws {
        var configuration = configuration
        configuration.exitWhenIdle = settings.exitWhenIdle
        configuration.resumptionStorePath = ResumptionStore.defaultPath(environment: ProcessInfo.processInfo.environment)
        if !noAudio {
            configuration.audio = AudioConfiguration(
                chunkDuration: settings.audio.chunkDuration, jitterTargetDepth: settings.audio.jitterTargetDepth,
                echoCancel: settings.audio.echoCancel?.rawValue)
        }
        let gateway = GatewayService(configuration: configuration, logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let endpoint = localEndpoint(settings.live, logger: logger) {
            services.append(.init(service: LocalEndpointServer(configuration: endpoint, gateway: gateway, logger: logger)))
        }
        let reloader = ConfigurationReloader(
            hangups: await UnixSignalsSequence(trapping: .sighup), file: file, commandLine: commandLine,
            running: settings, gateway: gateway, logger: logger)
        // The gateway returning on its own (idle) is a normal end: the reloader then stops too.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: gateway, successTerminationBehavior: .gracefullyShutdownGroup),
                    .init(service: reloader),
                ] + services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Where the local Live endpoint listens; nil when it is off (no socket and no port, or no
    /// runtime directory for the socket and the token).
    private func localEndpoint(_ live: LiveSettings, logger: Logger) -> LocalEndpointConfiguration? {
        guard live.socket || live.port != nil else { return nil }
        guard let directory = LocalEndpointConfiguration.defaultDirectory(environment: ProcessInfo.processInfo.environment) else {
            logger.warning("no XDG_RUNTIME_DIR: the local Live endpoint is off (it keeps its socket and token there)")
            return nil
        }
        var tls: LocalEndpointConfiguration.TLS?
        if let certificate = live.tlsCertificate, let key = live.tlsKey {
            tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        }
        return LocalEndpointConfiguration(directory: directory, servesSocket: live.socket, tcpPort: live.port, tls: tls)
    }
}
