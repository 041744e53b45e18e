import ArgumentParser
import DBusService
import Foundation

/// `gemini-live apps`: ListAudioApplications.
struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the applications playing audio now, which `route` can move into a session (ListAudioApplications).")

    @OptionGroup var bus: BusOptions

    @Flag(help: "Print JSON: [{\"node\": 42, \"application\": \"Firefox\", \"media\": \"…\"}].")
    var json = false

    /// One playing stream as the command prints it.
    struct Row: Encodable {
        var node: UInt32
        var application: String
        var media: String
    }

    func run() async throws {
        try await bus.withClient { client in
            let reply = try await client.call(
                GatewayClient.managerPath, GatewayClient.managerInterface, "ListAudioApplications",
                action: "ListAudioApplications")
            let rows = Self.rows(reply.first)
            if json {
                try Terminal.printJSON(rows)
            } else if rows.isEmpty {
                Terminal.write("Nothing is playing audio now.\n")
            } else {
                let width = max(11, rows.map(\.application.count).max() ?? 0)
                Terminal.write("NODE  " + "APPLICATION".padding(toLength: width, withPad: " ", startingAt: 0) + "  MEDIA\n")
                for row in rows {
                    let node = String(row.node).padding(toLength: 6, withPad: " ", startingAt: 0)
                    Terminal.write(node + row.application.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(row.media)\n")
                }
            }
        }
    }

    static func rows(_ value: DBusValue?) -> [Row] {
        guard case .array(_, let entries) = value else { return [] }
        return entries.compactMap { entry in
            guard case .structure(let fields) = entry, fields.count == 3,
                case .uint32(let node) = fields[0], case .string(let application) = fields[1],
                case .string(let media) = fields[2]
            else { return nil }
            return Row(node: node, application: application, media: media)
        }
    }
}

/// `gemini-live route APP` and `gemini-live unroute APP`: RouteApplication and UnrouteApplication.
struct Route: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move an application's audio into a session's input, so the model hears it (RouteApplication).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Argument(help: "An application or binary name, or a node id, as `gemini-live apps` lists them.")
    var application: String

    func run() async throws {
        try await Self.move(application, member: "RouteApplication", verb: "routed into", bus: bus, target: target)
    }

    /// Calls `member` on the session and says which streams moved.
    static func move(_ application: String, member: String, verb: String, bus: BusOptions, target: SessionOption) async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            let reply = try await client.call(
                session, GatewayClient.sessionInterface, member, [.string(application)], action: "\(member) \(application)")
            guard case .array(_, let ids) = reply.first else { return }
            let nodes = ids.compactMap { value -> String? in
                if case .uint32(let id) = value { return String(id) }
                return nil
            }
            Terminal.write("\(application) (node \(nodes.joined(separator: ", "))) \(verb) \(session)\n")
        }
    }
}

/// `gemini-live unroute APP`: UnrouteApplication.
struct Unroute: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Give an application's audio back to where it played before (UnrouteApplication).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Argument(help: "An application or binary name, or a node id, as `route` was given.")
    var application: String

    func run() async throws {
        try await Route.move(application, member: "UnrouteApplication", verb: "put back from", bus: bus, target: target)
    }
}
