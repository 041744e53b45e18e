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
    /// Speech-to-speech translation (`gemini-3.5-live-translate-preview` only).
    public var translationConfig: TranslationConfig?

    public init(
        responseModalities: [Modality]? = nil, speechConfig: SpeechConfig? = nil, temperature: Double? = nil,
        topP: Double? = nil, topK: Int? = nil, maxOutputTokens: Int? = nil, mediaResolution: MediaResolution? = nil,
        thinkingConfig: ThinkingConfig? = nil, enableAffectiveDialog: Bool? = nil,
        translationConfig: TranslationConfig? = nil
    ) {
        self.translationConfig = translationConfig
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
///
/// Live takes one speaker: google-genai refuses `multiSpeakerVoiceConfig` for Live
/// (`_transformers.py`), so this type has no such field and preflight refuses it in raw JSON.
public struct SpeechConfig: Codable, Sendable, Hashable {
    public var voiceConfig: VoiceConfig?
    public var languageCode: String?

    public init(voiceName: String? = nil, languageCode: String? = nil) {
        self.voiceConfig = voiceName.map { VoiceConfig(prebuiltVoiceConfig: PrebuiltVoiceConfig(voiceName: $0)) }
        self.languageCode = languageCode
    }

    public init(voiceConfig: VoiceConfig?, languageCode: String? = nil) {
        self.voiceConfig = voiceConfig
        self.languageCode = languageCode
    }

    /// The prebuilt voice's name, e.g. `Kore`.
    public var voiceName: String? { voiceConfig?.prebuiltVoiceConfig?.voiceName }
}

/// Which voice speaks (`VoiceConfig`): set one of a prebuilt voice, a custom voice created with
/// the Voices API (`voice`, e.g. `voices/abc123`; launched 2026-09-22), or a replicated voice
/// cloned from a sample (google-genai `VoiceConfig`).
public struct VoiceConfig: Codable, Sendable, Hashable {
    public var prebuiltVoiceConfig: PrebuiltVoiceConfig?
    /// A custom voice's resource name.
    public var voice: String?
    public var replicatedVoiceConfig: ReplicatedVoiceConfig?

    public init(
        prebuiltVoiceConfig: PrebuiltVoiceConfig? = nil, voice: String? = nil,
        replicatedVoiceConfig: ReplicatedVoiceConfig? = nil
    ) {
        self.prebuiltVoiceConfig = prebuiltVoiceConfig
        self.voice = voice
        self.replicatedVoiceConfig = replicatedVoiceConfig
    }
}

/// A prebuilt voice by name (`PrebuiltVoiceConfig`).
public struct PrebuiltVoiceConfig: Codable, Sendable, Hashable {
    public var voiceName: String?

    public init(voiceName: String?) {
        self.voiceName = voiceName
    }
}

/// A voice cloned from a sample (google-genai `ReplicatedVoiceConfig`): `audio/wav`, 16-bit
/// little-endian at 24 kHz. The consent fields are Gemini API only: the first session sends
/// `consentAudio`; `setupComplete.voiceConsentSignature` then replaces it.
public struct ReplicatedVoiceConfig: Codable, Sendable, Hashable {
    /// `audio/wav`, the only value the SDK documents.
    public var mimeType: String?
    /// The sample's bytes (base64 on the wire).
    public var voiceSampleAudio: Data?
    /// Recorded consent of the voice's owner (same format).
    public var consentAudio: Data?
    public var voiceConsentSignature: VoiceConsentSignature?

    public init(
        mimeType: String? = "audio/wav", voiceSampleAudio: Data?, consentAudio: Data? = nil,
        voiceConsentSignature: VoiceConsentSignature? = nil
    ) {
        self.mimeType = mimeType
        self.voiceSampleAudio = voiceSampleAudio
        self.consentAudio = consentAudio
        self.voiceConsentSignature = voiceConsentSignature
    }

    enum CodingKeys: String, CodingKey {
        case mimeType, voiceSampleAudio, consentAudio, voiceConsentSignature
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mimeType = try container.decodeIfPresent(String.self, forKey: .mimeType)
        voiceSampleAudio = try Self.bytes(container, .voiceSampleAudio)
        consentAudio = try Self.bytes(container, .consentAudio)
        voiceConsentSignature = try container.decodeIfPresent(VoiceConsentSignature.self, forKey: .voiceConsentSignature)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(mimeType, forKey: .mimeType)
        try container.encodeIfPresent(voiceSampleAudio.map { Base64.encode($0) }, forKey: .voiceSampleAudio)
        try container.encodeIfPresent(consentAudio.map { Base64.encode($0) }, forKey: .consentAudio)
        try container.encodeIfPresent(voiceConsentSignature, forKey: .voiceConsentSignature)
    }

    private static func bytes(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Data? {
        guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let data = Base64.decode(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "\(key.stringValue) is not valid base64")
        }
        return data
    }
}

/// Speech-to-speech translation (google-genai `TranslationConfig`, `gemini-3.5-live-translate-preview`;
/// ai.google.dev/gemini-api/docs/live-api/live-translate): the model speaks what it hears in
/// ``targetLanguageCode``. With ``echoTargetLanguage`` speech already in the target language is
/// repeated too; otherwise it produces no audio for it.
public struct TranslationConfig: Codable, Sendable, Hashable {
    /// Required: a BCP-47 code such as `de`, `es` or `pt-BR`.
    public var targetLanguageCode: String?
    public var echoTargetLanguage: Bool?

    public init(targetLanguageCode: String?, echoTargetLanguage: Bool? = nil) {
        self.targetLanguageCode = targetLanguageCode
        self.echoTargetLanguage = echoTargetLanguage
    }
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
