import Foundation

/// Conversation turns appended by the client (`BidiGenerateContentClientContent`). It interrupts
/// any current generation.
public struct ClientContent: Codable, Sendable, Hashable {
    public var turns: [Content]?
    /// Omitted means false: the service waits for more content.
    public var turnComplete: Bool?

    public init(turns: [Content]?, turnComplete: Bool? = true) {
        self.turns = turns
        self.turnComplete = turnComplete
    }

    /// A complete user turn of plain text.
    public static func userText(_ text: String) -> ClientContent {
        ClientContent(turns: [.text(text, role: "user")], turnComplete: true)
    }
}
