import Foundation

/// How the model generates (`GenerationConfig`), as far as the Live API uses it.
public struct GenerationConfig: Codable, Sendable, Hashable {
    /// Send exactly one: `["AUDIO"]` on every currently served Live model.
    public var responseModalities: [Modality]?
    public var speechConfig: SpeechConfig?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var maxOutputTokens: Int?
    public var candidateCount: Int?
    public var presencePenalty: Double?
    public var frequencyPenalty: Double?
    public var seed: Int?
    public var mediaResolution: MediaResolution?
    public var thinkingConfig: ThinkingConfig?
    /// v1alpha only on the Gemini API; removed on gemini-3.8-live.
    public var enableAffectiveDialog: Bool?

    public init(
        responseModalities: [Modality]? = nil, speechConfig: SpeechConfig? = nil, temperature: Double? = nil,
        topP: Double? = nil, topK: Int? = nil, maxOutputTokens: Int? = nil, mediaResolution: MediaResolution? = nil,
        thinkingConfig: ThinkingConfig? = nil, enableAffectiveDialog: Bool? = nil
    ) {
        self.responseModalities = responseModalities
        self.speechConfig = speechConfig
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.maxOutputTokens = maxOutputTokens
        self.mediaResolution = mediaResolution
        self.thinkingConfig = thinkingConfig
        self.enableAffectiveDialog = enableAffectiveDialog
    }
}

/// The voice and language of spoken output (`SpeechConfig`).
public struct SpeechConfig: Codable, Sendable, Hashable {
    public var voiceConfig: VoiceConfig?
    public var languageCode: String?

    public init(voiceName: String? = nil, languageCode: String? = nil) {
        self.voiceConfig = voiceName.map { VoiceConfig(prebuiltVoiceConfig: PrebuiltVoiceConfig(voiceName: $0)) }
        self.languageCode = languageCode
    }

    /// The prebuilt voice's name, e.g. `Kore`.
    public var voiceName: String? { voiceConfig?.prebuiltVoiceConfig?.voiceName }
}

/// Which voice speaks (`VoiceConfig`).
public struct VoiceConfig: Codable, Sendable, Hashable {
    public var prebuiltVoiceConfig: PrebuiltVoiceConfig?
}

/// A prebuilt voice by name (`PrebuiltVoiceConfig`).
public struct PrebuiltVoiceConfig: Codable, Sendable, Hashable {
    public var voiceName: String?
}

/// Thinking settings: a token budget (2.5 models) or a level (3.x models).
public struct ThinkingConfig: Codable, Sendable, Hashable {
    public var thinkingBudget: Int?
    public var thinkingLevel: ThinkingLevel?
    public var includeThoughts: Bool?

    public init(thinkingBudget: Int? = nil, thinkingLevel: ThinkingLevel? = nil, includeThoughts: Bool? = nil) {
        self.thinkingBudget = thinkingBudget
        self.thinkingLevel = thinkingLevel
        self.includeThoughts = includeThoughts
    }
}
