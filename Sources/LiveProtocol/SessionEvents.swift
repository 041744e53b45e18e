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
    /// With a replicated voice whose `consentAudio` was verified: a signature to send as
    /// `replicatedVoiceConfig.voiceConsentSignature` next time instead of the consent audio
    /// (google-genai `LiveServerSetupComplete.voice_consent_signature`).
    public var voiceConsentSignature: VoiceConsentSignature?

    public init(sessionId: String? = nil, voiceConsentSignature: VoiceConsentSignature? = nil) {
        self.sessionId = sessionId
        self.voiceConsentSignature = voiceConsentSignature
    }
}

/// A signature of verified consent audio (google-genai `VoiceConsentSignature`).
public struct VoiceConsentSignature: Codable, Sendable, Hashable {
    public var signature: String?

    public init(signature: String?) {
        self.signature = signature
    }
}

/// The service's voice-activity event (`VoiceActivity`): `ACTIVITY_START` / `ACTIVITY_END` at
/// `audioOffset` (Duration text, relative to the start of the audio stream).
public struct VoiceActivity: Codable, Sendable, Hashable {
    public var voiceActivityType: String?
    public var audioOffset: String?

    public init(voiceActivityType: String?, audioOffset: String? = nil) {
        self.voiceActivityType = voiceActivityType
        self.audioOffset = audioOffset
    }
}

/// The service's speech start/end signal (`voiceActivityDetectionSignal`, allowlisted projects;
/// google-genai `VoiceActivityDetectionSignal`).
public struct VoiceActivityDetectionSignal: Codable, Sendable, Hashable {
    public var vadSignalType: VADSignalType?

    public init(vadSignalType: VADSignalType?) {
        self.vadSignalType = vadSignalType
    }
}
