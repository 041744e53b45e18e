import Foundation

/// One server → client frame (`BidiGenerateContentServerMessage`).
///
/// At most one of the message fields is set; `usageMetadata` may ride along with any of them. A
/// frame with no known field is kept, not dropped: the names of the top-level members this library
/// does not know are in ``unrecognizedFields``, so a client can log and count what a newer service
/// sent. Only a frame with no member at all (`{}`, which arrives often) ``isEmpty``.
public struct ServerMessage: Codable, Sendable, Hashable {
    public var setupComplete: SetupComplete?
    public var serverContent: ServerContent?
    public var toolCall: ToolCall?
    public var toolCallCancellation: ToolCallCancellation?
    public var goAway: GoAway?
    public var sessionResumptionUpdate: SessionResumptionUpdate?
    public var voiceActivity: VoiceActivity?
    /// Speech start/end from the service's detector (allowlisted projects).
    public var voiceActivityDetectionSignal: VoiceActivityDetectionSignal?
    public var usageMetadata: UsageMetadata?
    /// Top-level member names (camelCase) of the frame that this library does not model; never
    /// encoded.
    public var unrecognizedFields: [String]?

    public init(
        setupComplete: SetupComplete? = nil, serverContent: ServerContent? = nil, toolCall: ToolCall? = nil,
        toolCallCancellation: ToolCallCancellation? = nil, goAway: GoAway? = nil,
        sessionResumptionUpdate: SessionResumptionUpdate? = nil, usageMetadata: UsageMetadata? = nil,
        voiceActivity: VoiceActivity? = nil, voiceActivityDetectionSignal: VoiceActivityDetectionSignal? = nil
    ) {
        self.setupComplete = setupComplete
        self.serverContent = serverContent
        self.toolCall = toolCall
        self.toolCallCancellation = toolCallCancellation
        self.goAway = goAway
        self.sessionResumptionUpdate = sessionResumptionUpdate
        self.usageMetadata = usageMetadata
        self.voiceActivity = voiceActivity
        self.voiceActivityDetectionSignal = voiceActivityDetectionSignal
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case setupComplete, serverContent, toolCall, toolCallCancellation, goAway, sessionResumptionUpdate
        case voiceActivity, voiceActivityDetectionSignal, usageMetadata
    }

    /// Any member name, to find the ones ``CodingKeys`` lacks.
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        setupComplete = try container.decodeIfPresent(SetupComplete.self, forKey: .setupComplete)
        serverContent = try container.decodeIfPresent(ServerContent.self, forKey: .serverContent)
        toolCall = try container.decodeIfPresent(ToolCall.self, forKey: .toolCall)
        toolCallCancellation = try container.decodeIfPresent(ToolCallCancellation.self, forKey: .toolCallCancellation)
        goAway = try container.decodeIfPresent(GoAway.self, forKey: .goAway)
        sessionResumptionUpdate = try container.decodeIfPresent(
            SessionResumptionUpdate.self, forKey: .sessionResumptionUpdate)
        voiceActivity = try container.decodeIfPresent(VoiceActivity.self, forKey: .voiceActivity)
        voiceActivityDetectionSignal = try container.decodeIfPresent(
            VoiceActivityDetectionSignal.self, forKey: .voiceActivityDetectionSignal)
        usageMetadata = try container.decodeIfPresent(UsageMetadata.self, forKey: .usageMetadata)
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            .filter { !known.contains($0) }.sorted()
        unrecognizedFields = unknown.isEmpty ? nil : unknown
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(setupComplete, forKey: .setupComplete)
        try container.encodeIfPresent(serverContent, forKey: .serverContent)
        try container.encodeIfPresent(toolCall, forKey: .toolCall)
        try container.encodeIfPresent(toolCallCancellation, forKey: .toolCallCancellation)
        try container.encodeIfPresent(goAway, forKey: .goAway)
        try container.encodeIfPresent(sessionResumptionUpdate, forKey: .sessionResumptionUpdate)
        try container.encodeIfPresent(voiceActivity, forKey: .voiceActivity)
        try container.encodeIfPresent(voiceActivityDetectionSignal, forKey: .voiceActivityDetectionSignal)
        try container.encodeIfPresent(usageMetadata, forKey: .usageMetadata)
    }

    /// True for a frame with no member at all (`{}` arrives often; ignore it). A frame holding only
    /// members this library does not know is not empty: see ``unrecognizedFields``.
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
