import ArgumentParser
import DBusService

/// `gemini-live say TEXT`: SendText.
struct Say: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a complete user turn of text (SendText).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    @Argument(help: "The message; several words are joined with spaces.")
    var words: [String]

    func validate() throws {
        guard !words.joined().isEmpty else { throw ValidationError("Give the text to say, e.g. gemini-live say Hello") }
    }

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await client.call(
                session, GatewayClient.sessionInterface, "SendText", [.string(words.joined(separator: " "))],
                action: "SendText to \(session)")
        }
    }
}

/// `gemini-live interrupt`: Interrupt.
struct Interrupt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the model's current reply (Interrupt).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await client.call(session, GatewayClient.sessionInterface, "Interrupt", action: "Interrupt \(session)")
        }
    }
}

/// `gemini-live close`: Close.
struct Close: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Close a session (Close).")

    @OptionGroup var bus: BusOptions
    @OptionGroup var target: SessionOption

    func run() async throws {
        try await bus.withClient { client in
            let session = try await client.resolveSession(target.session)
            _ = try await client.call(session, GatewayClient.sessionInterface, "Close", action: "Close \(session)")
        }
    }
}
