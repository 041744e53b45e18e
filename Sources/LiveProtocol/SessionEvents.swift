import Foundation

/// The service will end this connection soon (`GoAway`); resume on a new one before `timeLeft`.
public struct GoAway: Codable, Sendable, Hashable {
    public var timeLeft: ProtoDuration?

    public init(timeLeft: ProtoDuration?) {
        self.timeLeft = timeLeft
    }
}

/// A new resumption handle (`SessionResumptionUpdate`). While a generation or tool call is pending
/// the session is not resumable and the handle is empty.
public struct SessionResumptionUpdate: Codable, Sendable, Hashable {
    public var newHandle: String?
    public var resumable: Bool?
    /// Vertex `transparent` mode only: the last client message the service consumed.
    public var lastConsumedClientMessageIndex: Int64?

    public init(newHandle: String?, resumable: Bool?, lastConsumedClientMessageIndex: Int64? = nil) {
        self.newHandle = newHandle
        self.resumable = resumable
        self.lastConsumedClientMessageIndex = lastConsumedClientMessageIndex
    }

    enum CodingKeys: String, CodingKey {
        case newHandle, resumable, lastConsumedClientMessageIndex
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        newHandle = try container.decodeIfPresent(String.self, forKey: .newHandle)
        resumable = try container.decodeIfPresent(Bool.self, forKey: .resumable)
        lastConsumedClientMessageIndex = try container.decodeFlexibleInt64IfPresent(
            forKey: .lastConsumedClientMessageIndex)
    }

    /// int64 goes out as a string, as the service sends it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(newHandle, forKey: .newHandle)
        try container.encodeIfPresent(resumable, forKey: .resumable)
        try container.encodeIfPresent(lastConsumedClientMessageIndex.map(String.init), forKey: .lastConsumedClientMessageIndex)
    }
}

/// The reply to `setup` (`BidiGenerateContentSetupComplete`): `{}` on the Gemini API.
public struct SetupComplete: Codable, Sendable, Hashable {
    public var sessionId: String?

    public init(sessionId: String? = nil) {
        self.sessionId = sessionId
    }
}

/// The service's voice-activity event (`VoiceActivity`, newer SDKs).
public struct VoiceActivity: Codable, Sendable, Hashable {
    public var voiceActivityType: String?
}
