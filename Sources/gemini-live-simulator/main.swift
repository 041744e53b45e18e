import ArgumentParser
import Foundation
import LiveProtocol
import LiveSimulator
import Logging

/// `gemini-live-simulator`: an offline Gemini Live API server for tests, demos and development
/// without a key.
struct GeminiLiveSimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemini-live-simulator",
        abstract: "An offline Gemini Live API (BidiGenerateContent) server.",
        discussion: """
            Prints one line, "listening on ws://HOST:PORT" (or wss://), to standard output once it \
            listens; logs go to standard error. SIGINT or SIGTERM stop it cleanly. Fault times are \
            seconds after each connection's WebSocket upgrade.
            """)

    @Option(help: "Address to bind. Only loopback addresses unless --allow-remote.")
    var host = "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one.")
    var port = 0

    @Flag(help: "Allow a non-loopback --host (the simulator has no real security).")
    var allowRemote = false

    @Option(help: "PEM certificate chain: serve wss:// (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key of --tls-cert.")
    var tlsKey: String?

    @Option(help: "Require this API key (header, ?key=, Authorization: Token/Bearer). Default: accept any.")
    var apiKey: String?

    @Option(help: "Refuse sessions beyond this many at once (1011 quota exceeded).")
    var maxSessions: Int?

    @Option(help: "Seconds a resumption handle stays valid after its session ended.")
    var handleLifetime: Double = 7200

    @Option(help: "What the model says: echo (audio turns echo the caller) or synthesized.")
    var voice: String = VoiceMode.echo.rawValue

    @Option(help: "How many times faster than real time model audio is sent.")
    var speed: Double = 4

    @Option(help: "Send goAway this many seconds after a connection opened.")
    var goAwayAfter: Double?

    @Option(help: "The timeLeft a goAway announces, in seconds.")
    var goAwayTimeLeft: Double = 50

    @Option(help: "Close with 1011 \"Deadline expired…\" at this connection age (goAway comes first).")
    var connectionLifetime: Double?

    @Option(help: "Drop the TCP connection without a close frame at this age.")
    var dropAfter: Double?

    @Option(help: "Close with --close-code and --close-reason at this age.")
    var closeAfter: Double?

    @Option(help: "Close code for --close-after.")
    var closeCode: UInt16 = 1011

    @Option(help: "Close reason for --close-after.")
    var closeReason = "Internal error encountered."

    @Option(help: "Delay setupComplete by this many seconds.")
    var setupDelay: Double?

    @Flag(help: "Never send setupComplete.")
    var withholdSetupComplete = false

    @Option(help: "Send a binary frame of invalid JSON at this age.")
    var malformedFrameAfter: Double?

    @Option(help: "Send one oversized (valid) frame at this age.")
    var oversizedFrameAfter: Double?

    @Option(help: "Size of the --oversized-frame-after frame in bytes.")
    var oversizedFrameBytes = 17 << 20

    @Option(help: "Stop sending and reading at this age, keeping TCP open.")
    var stallAfter: Double?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    /// Refuses inconsistent options before anything starts.
    func validate() throws {
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        guard loopback || allowRemote else {
            throw ValidationError("--host \(host) is not a loopback address; add --allow-remote to serve it anyway.")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together.")
        }
        guard VoiceMode(rawValue: voice) != nil else {
            throw ValidationError("--voice must be one of: \(VoiceMode.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard speed > 0 else { throw ValidationError("--speed must be positive.") }
    }

    /// Runs the simulator until SIGINT or SIGTERM.
    func serve() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let simulator = LiveSimulator(configuration: makeConfiguration())
        try await simulator.runService { address in
            FileHandle.standardOutput.write(Data("listening on \(address.baseURL)\n".utf8))
        }
    }

    /// The simulator configuration the options describe.
    func makeConfiguration() -> SimulatorConfiguration {
        let faults = FaultScript(
            goAwayAfter: goAwayAfter.map(Duration.seconds), goAwayTimeLeft: .seconds(goAwayTimeLeft),
            connectionLifetime: connectionLifetime.map(Duration.seconds), dropAfter: dropAfter.map(Duration.seconds),
            closeAfter: closeAfter.map(Duration.seconds), closeCode: closeCode, closeReason: closeReason,
            setupDelay: setupDelay.map(Duration.seconds), withholdsSetupComplete: withholdSetupComplete,
            malformedFrameAfter: malformedFrameAfter.map(Duration.seconds),
            oversizedFrameAfter: oversizedFrameAfter.map(Duration.seconds), oversizedFrameBytes: oversizedFrameBytes,
            stallAfter: stallAfter.map(Duration.seconds))
        let tls = tlsCert.flatMap { cert in tlsKey.map { SimulatorTLS(certificateChainPath: cert, privateKeyPath: $0) } }
        return SimulatorConfiguration(
            host: host, port: port, tls: tls, apiKey: apiKey.map(Secret.init), faults: faults, maxSessions: maxSessions,
            handleLifetime: .seconds(handleLifetime), voice: VoiceMode(rawValue: voice) ?? .echo,
            pacing: VoicePacing(speedFactor: speed), recordsFrames: false)
    }
}

do {
    let command = try GeminiLiveSimulatorCommand.parse()
    try await command.serve()
} catch {
    GeminiLiveSimulatorCommand.exit(withError: error)
}
