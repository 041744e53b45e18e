import ArgumentParser
import DBusService
import Foundation

/// `gemini-live endpoint`: where the gateway's local Live endpoint listens (GetLiveEndpoint), so a
/// Live client can be pointed at it.
struct Endpoint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the local Live endpoint (GetLiveEndpoint): its URL, its Unix socket and the token.",
        discussion: """
            Point an existing Live client at the gateway by changing its base URL: python-genai
            http_options.base_url, js-genai httpOptions.baseUrl, or a raw WebSocket URL. Over TCP the
            client sends the token as its API key; the gateway uses the real key upstream. The token
            is shown only to the gateway's own Unix user. See docs/live-endpoint.md.
            """)

    @OptionGroup var bus: BusOptions

    @Flag(help: "Print {\"url\": …, \"socket\": …, \"token\": …} as JSON.")
    var json = false

    func run() async throws {
        try await bus.withClient { client in
            let reply = try await client.call(
                GatewayClient.managerPath, GatewayClient.managerInterface, "GetLiveEndpoint", action: "GetLiveEndpoint")
            guard case .object(let fields)? = reply.first?.plain else {
                throw CLIFailure("GetLiveEndpoint returned \(reply)")
            }
            func text(_ key: String) -> String { fields[key]?.text ?? "" }
            if json {
                var out: [String: JSONValueText] = [
                    "url": .string(text("url")), "socket": .string(text("socket")),
                    "token_file": .string(text("token_file")),
                    "api_versions": fields["api_versions"] ?? .array([]),
                ]
                if let token = fields["token"] { out["token"] = token }
                try Terminal.printJSON(out)
                return
            }
            Terminal.write("socket: \(text("socket").isEmpty ? "(off)" : text("socket"))\n")
            Terminal.write("url:    \(text("url").isEmpty ? "(off: start the gateway with --live-port PORT)" : text("url"))\n")
            Terminal.write(
                "token:  \(fields["token"]?.text ?? "(shown only to the gateway's own user)")  (from \(text("token_file")))\n")
            Terminal.write("api versions: \(fields["api_versions"]?.text ?? "")\n")
        }
    }
}
