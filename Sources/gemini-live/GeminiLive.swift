import ArgumentParser
import Foundation

/// `gemini-live`: drive the gateway's Live sessions from a terminal or a script, over D-Bus only.
@main
struct GeminiLive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemini-live",
        abstract: "Drive gemini-live-gateway's Live sessions over D-Bus.",
        discussion: """
            Every command talks to the gateway (io.github.geminilive.Gateway1) on the session bus, or on
            the bus given by --address. Exit status: 0 success, 1 failure (the D-Bus error name and
            message on stderr), 2 usage error. Commands that print data take --json for scripts.
            """,
        subcommands: [
            Sessions.self, Start.self, Talk.self, Say.self, Interrupt.self, Mute.self, Unmute.self, Close.self, Watch.self,
            Doctor.self,
            Apps.self, Route.self, Unroute.self, Endpoint.self,
        ])

    /// Parses the command line and runs the chosen command, mapping failures to the exit convention.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let failure as CLIFailure {
            Terminal.standardError("gemini-live: \(failure.description)")
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Terminal.standardError(message) }
            // ArgumentParser reports bad usage as EX_USAGE (64); the convention here is 2.
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Options every command that reaches the bus shares.
struct BusOptions: ParsableArguments {
    @Option(help: "D-Bus address to use instead of the session bus, e.g. unix:path=/run/user/1000/bus.")
    var address: String?

    @Option(help: ArgumentHelp("Seconds to wait for the gateway's reply.", valueName: "seconds"))
    var timeout: Double = 60

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    /// Connects to the chosen bus.
    func connect() async throws -> GatewayClient {
        try await GatewayClient.connect(address: address, timeout: .milliseconds(Int(timeout * 1000)))
    }

    /// Runs `body` with a connection to the chosen bus and closes it afterwards.
    func withClient<T: Sendable>(_ body: (GatewayClient) async throws -> T) async throws -> T {
        let client = try await connect()
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}

/// Chooses the session a command acts on.
struct SessionOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The session's object path (default: the only or most recent session on the bus).", valueName: "path"))
    var session: String?
}
