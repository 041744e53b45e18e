import ArgumentParser
import DBusService

/// Calls a routing method of the gateway, turning `UnknownMethod` into "not supported by this gateway version".
private func callRouting(
    _ client: GatewayClient, _ member: String, _ arguments: [DBusValue]
) async throws -> [DBusValue] {
    do {
        return try await client.callRaw(GatewayClient.managerPath, GatewayClient.managerInterface, member, arguments)
    } catch where error.name == .unknownMethod {
        let version = (try? await client.property(GatewayClient.managerPath, GatewayClient.managerInterface, "Version"))?
            .as(String.self) ?? "unknown"
        throw CLIFailure(
            "\(member) is not supported by this gateway version (\(version)): \(error.name.rawValue): \(error.message)\n"
                + "Audio routing arrives with the PipeWire nodes; update gemini-live-gateway.")
    } catch {
        throw CLIFailure(error, doing: member)
    }
}

/// `gemini-live apps`: ListAudioApplications.
struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the applications whose audio can be routed into a session (ListAudioApplications).")

    @OptionGroup var bus: BusOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        try await bus.withClient { client in
            let reply = try await callRouting(client, "ListAudioApplications", [])
            let values = reply.map(\.plain)
            if json {
                try Terminal.printJSON(values)
            } else {
                for value in values { Terminal.write(value.text + "\n") }
            }
        }
    }
}

/// `gemini-live route APP`: RouteApplication.
struct Route: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Route an application's audio into a session's input (RouteApplication).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Argument(help: "The application, as `gemini-live apps` lists it.")
    var application: String

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await callRouting(
                client, "RouteApplication",
                [.string(application), .objectPath(try GatewayClient.objectPath(session)),
                 .dictionary(key: .string, value: .variant, [:])])
        }
    }
}

/// `gemini-live unroute APP`: UnrouteApplication.
struct Unroute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give an application's audio back to where it played before (UnrouteApplication).")

    @OptionGroup var bus: BusOptions

    @Argument(help: "The application, as `gemini-live apps` lists it.")
    var application: String

    func run() async throws {
        try await bus.withClient { client in
            _ = try await callRouting(client, "UnrouteApplication", [.string(application)])
        }
    }
}
