import Foundation

/// The first client message of every connection (`BidiGenerateContentSetup`), sent as
/// `{"setup": {...}}`.
public struct Setup: Codable, Sendable, Hashable {
    /// `models/<id>` on the Gemini API; a publisher model path on Vertex AI.
    public var model: String
    public var generationConfig: GenerationConfig?
    /// A Content object, never a bare string on the wire.
    public var systemInstruction: Content?
    public var tools: [Tool]?
    public var realtimeInputConfig: RealtimeInputConfig?
    public var sessionResumption: SessionResumptionConfig?
    public var contextWindowCompression: ContextWindowCompression?
    public var inputAudioTranscription: AudioTranscriptionConfig?
    public var outputAudioTranscription: AudioTranscriptionConfig?
    /// At setup's top level, not inside `generationConfig`.
    public var proactivity: Proactivity?
    /// Vertex AI only.
    public var explicitVadSignal: Bool?
    public var historyConfig: HistoryConfig?
    /// Safety thresholds (`SafetySetting` list; passed through).
    public var safetySettings: JSONValue?
    /// Billing labels (`{"key": "value"}`; Vertex AI).
    public var labels: [String: String]?
    /// Avatar output (`AvatarConfig`; passed through).
    public var avatarConfig: JSONValue?

    public init(
        model: String, generationConfig: GenerationConfig? = nil, systemInstruction: Content? = nil,
        tools: [Tool]? = nil, realtimeInputConfig: RealtimeInputConfig? = nil,
        sessionResumption: SessionResumptionConfig? = nil, contextWindowCompression: ContextWindowCompression? = nil,
        inputAudioTranscription: AudioTranscriptionConfig? = nil,
        outputAudioTranscription: AudioTranscriptionConfig? = nil, proactivity: Proactivity? = nil,
        explicitVadSignal: Bool? = nil, historyConfig: HistoryConfig? = nil, safetySettings: JSONValue? = nil,
        labels: [String: String]? = nil
    ) {
        self.safetySettings = safetySettings
        self.labels = labels
        self.model = model
        self.generationConfig = generationConfig
        self.systemInstruction = systemInstruction
        self.tools = tools
        self.realtimeInputConfig = realtimeInputConfig
        self.sessionResumption = sessionResumption
        self.contextWindowCompression = contextWindowCompression
        self.inputAudioTranscription = inputAudioTranscription
        self.outputAudioTranscription = outputAudioTranscription
        self.proactivity = proactivity
        self.explicitVadSignal = explicitVadSignal
        self.historyConfig = historyConfig
    }

    /// The model id without `models/` or a publisher path: `gemini-3.8-live`.
    public var modelID: String {
        if let range = model.range(of: "/models/", options: .backwards) {
            return String(model[range.upperBound...])
        }
        if model.hasPrefix("models/") { return String(model.dropFirst("models/".count)) }
        return model
    }
}

/// Session resumption (`SessionResumptionConfig`): `{}` enables it for a new session; a `handle`
/// resumes an earlier one.
public struct SessionResumptionConfig: Codable, Sendable, Hashable {
    public var handle: String?
    /// Vertex AI only.
    public var transparent: Bool?

    public init(handle: String? = nil, transparent: Bool? = nil) {
        self.handle = handle
        self.transparent = transparent
    }
}

/// Context-window compression (`ContextWindowCompressionConfig`): lets a session outlive the
/// 15-minute audio cap.
public struct ContextWindowCompression: Codable, Sendable, Hashable {
    public var triggerTokens: Int64?
    public var slidingWindow: SlidingWindow?

    public init(triggerTokens: Int64? = nil, slidingWindow: SlidingWindow? = SlidingWindow()) {
        self.triggerTokens = triggerTokens
        self.slidingWindow = slidingWindow
    }

    enum CodingKeys: String, CodingKey {
        case triggerTokens, slidingWindow
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        triggerTokens = try container.decodeFlexibleInt64IfPresent(forKey: .triggerTokens)
        slidingWindow = try container.decodeIfPresent(SlidingWindow.self, forKey: .slidingWindow)
    }
}

/// The sliding-window compression mechanism.
public struct SlidingWindow: Codable, Sendable, Hashable {
    public var targetTokens: Int64?

    public init(targetTokens: Int64? = nil) {
        self.targetTokens = targetTokens
    }

    enum CodingKeys: String, CodingKey {
        case targetTokens
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        targetTokens = try container.decodeFlexibleInt64IfPresent(forKey: .targetTokens)
    }
}

/// Turns transcription on (`AudioTranscriptionConfig`). Its presence is the switch; it holds no
/// voice-activity settings. The options are google-genai's: language hints, a custom vocabulary
/// that biases recognition, word timestamps, speaker diarization, the transcription `mode` and
/// `sourceText`.
public struct AudioTranscriptionConfig: Codable, Sendable, Hashable {
    /// BCP-47 hints; omitted or empty means automatic detection.
    public var languageCodes: [String]?
    public var customVocabulary: [String]?
    /// Word-level timings in ``Transcription/words``.
    public var wordTimestamp: Bool?
    /// Speaker labels in ``Transcription/speakerLabel``.
    public var diarization: Bool?
    /// The transcription mode: `VERBATIM` (default) or `SMART` (disfluency removal and formatting;
    /// "Timestamps and diarization are incompatible with mode SMART").
    public var mode: String?
    /// Text to edit by voice in `SMART` mode: the model emits the whole replacement text
    /// (google-genai 3.x `source_text`).
    public var sourceText: String?

    public init(
        languageCodes: [String]? = nil, customVocabulary: [String]? = nil, wordTimestamp: Bool? = nil,
        diarization: Bool? = nil, mode: String? = nil, sourceText: String? = nil
    ) {
        self.languageCodes = languageCodes
        self.customVocabulary = customVocabulary
        self.wordTimestamp = wordTimestamp
        self.diarization = diarization
        self.mode = mode
        self.sourceText = sourceText
    }
}

/// Proactivity (`ProactivityConfig`): with `proactiveAudio` the model may choose not to answer
/// irrelevant input; `proactiveVideo` lets it speak up about what it sees.
public struct Proactivity: Codable, Sendable, Hashable {
    public var proactiveAudio: Bool?
    public var proactiveVideo: Bool?

    public init(proactiveAudio: Bool? = nil, proactiveVideo: Bool? = nil) {
        self.proactiveAudio = proactiveAudio
        self.proactiveVideo = proactiveVideo
    }
}

/// History handling on newer models (`HistoryConfig`).
public struct HistoryConfig: Codable, Sendable, Hashable {
    public var initialHistoryInClientContent: Bool?

    public init(initialHistoryInClientContent: Bool? = nil) {
        self.initialHistoryInClientContent = initialHistoryInClientContent
    }
}
