import Foundation

/// One server → client frame (`BidiGenerateContentServerMessage`).
///
/// At most one of the message fields is set; `usageMetadata` may ride along with any of them. A
/// frame with no known field (`{}`, or only fields from a newer service) is valid and ``isEmpty``.
public struct ServerMessage: Codable, Sendable, Hashable {
    public var setupComplete: SetupComplete?
    public var serverContent: ServerContent?
    public var toolCall: ToolCall?
    public var toolCallCancellation: ToolCallCancellation?
    public var goAway: GoAway?
    public var sessionResumptionUpdate: SessionResumptionUpdate?
    public var voiceActivity: VoiceActivity?
    public var usageMetadata: UsageMetadata?

    public init(
        setupComplete: SetupComplete? = nil, serverContent: ServerContent? = nil, toolCall: ToolCall? = nil,
        toolCallCancellation: ToolCallCancellation? = nil, goAway: GoAway? = nil,
        sessionResumptionUpdate: SessionResumptionUpdate? = nil, usageMetadata: UsageMetadata? = nil
    ) {
        self.setupComplete = setupComplete
        self.serverContent = serverContent
        self.toolCall = toolCall
        self.toolCallCancellation = toolCallCancellation
        self.goAway = goAway
        self.sessionResumptionUpdate = sessionResumptionUpdate
        self.usageMetadata = usageMetadata
    }

    /// True for a frame that carries nothing this library knows (`{}` arrives often; ignore it).
    public var isEmpty: Bool { self == ServerMessage() }

    /// Decodes a frame tolerantly.
    public static func decode(_ data: Data) throws -> ServerMessage {
        try LiveJSON.decode(ServerMessage.self, from: data)
    }

    /// Pretty-printed camelCase JSON ending in a newline, as the real service sends it.
    public func encodedLikeService() throws -> Data {
        var data = try LiveJSON.makeServerEncoder().encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}
