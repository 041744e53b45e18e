import Foundation

/// What a caller wants from a Live session, in the caller's terms; ``setup(for:)`` turns it into
/// the exact `setup` message for an endpoint.
///
/// The defaults are the practical rule of the protocol reference: audio out, text through
/// `outputAudioTranscription`, input transcription on, resumption and context compression on.
public struct SessionConfiguration: Sendable, Hashable, Codable {
    /// A model id such as `gemini-3.8-live` (a `models/` prefix or publisher path is accepted).
    public var model: String
    /// `AUDIO` (default) or `TEXT`.
    public var responseModality: Modality
    /// A prebuilt voice, e.g. `Kore`.
    public var voice: String?
    /// A custom voice from the Voices API (`voiceConfig.voice`, e.g. `voices/abc123`); instead of
    /// ``voice``.
    public var customVoice: String?
    /// A voice cloned from a sample (`voiceConfig.replicatedVoiceConfig`); instead of ``voice``.
    public var replicatedVoice: ReplicatedVoiceConfig?
    /// Speech-to-speech translation (gemini-3.5-live-translate-preview).
    public var translation: TranslationConfig?
    /// A BCP-47 language code for speech output, e.g. `en-US`.
    public var language: String?
    /// Plain text; sent as a Content object.
    public var systemInstruction: String?
    /// Functions the model may call.
    public var functions: [FunctionDeclaration]
    /// Built-in tools (Google Search, code execution, …).
    public var builtInTools: [Tool]
    public var temperature: Double?
    public var maxOutputTokens: Int?
    public var inputTranscription: Bool
    public var outputTranscription: Bool
    /// Voice-activity detection; nil leaves the service's defaults.
    public var activityDetection: AutomaticActivityDetection?
    public var activityHandling: ActivityHandling?
    public var turnCoverage: TurnCoverage?
    /// Ask for resumption handles.
    public var sessionResumption: Bool
    /// Resume an earlier session by handle.
    public var resumeHandle: String?
    /// Vertex AI only.
    public var transparentResumption: Bool
    /// Context compression; nil turns it off.
    public var contextCompression: ContextWindowCompression?
    public var proactiveAudio: Bool?
    public var affectiveDialog: Bool?
    /// Thinking settings: `thinkingLevel` on 3.x models, `thinkingBudget` on 2.5 models. Nil sends
    /// none, except on a model that ``LiveModel/requiresThinkingLevel``, which gets its
    /// ``LiveModel/defaultThinkingLevel`` (gemini-3.8-live-extended-thinking: `LOW`).
    public var thinking: ThinkingConfig?
    public var mediaResolution: MediaResolution?

    /// A configuration with the defaults described above.
    public init(
        model: String = LiveModel.defaultID, responseModality: Modality = .audio, voice: String? = nil,
        language: String? = nil, systemInstruction: String? = nil, functions: [FunctionDeclaration] = [],
        builtInTools: [Tool] = [], temperature: Double? = nil, maxOutputTokens: Int? = nil,
        inputTranscription: Bool = true, outputTranscription: Bool = true,
        activityDetection: AutomaticActivityDetection? = nil, activityHandling: ActivityHandling? = nil,
        turnCoverage: TurnCoverage? = nil, sessionResumption: Bool = true, resumeHandle: String? = nil,
        transparentResumption: Bool = false, contextCompression: ContextWindowCompression? = ContextWindowCompression(),
        proactiveAudio: Bool? = nil, affectiveDialog: Bool? = nil, thinking: ThinkingConfig? = nil,
        mediaResolution: MediaResolution? = nil
    ) {
        self.model = model
        self.responseModality = responseModality
        self.voice = voice
        self.language = language
        self.systemInstruction = systemInstruction
        self.functions = functions
        self.builtInTools = builtInTools
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
        self.inputTranscription = inputTranscription
        self.outputTranscription = outputTranscription
        self.activityDetection = activityDetection
        self.activityHandling = activityHandling
        self.turnCoverage = turnCoverage
        self.sessionResumption = sessionResumption
        self.resumeHandle = resumeHandle
        self.transparentResumption = transparentResumption
        self.contextCompression = contextCompression
        self.proactiveAudio = proactiveAudio
        self.affectiveDialog = affectiveDialog
        self.thinking = thinking
        self.mediaResolution = mediaResolution
        self.customVoice = nil
        self.replicatedVoice = nil
        self.translation = nil
    }

    /// True unless activity detection is explicitly disabled (then the client sends
    /// `activityStart`/`activityEnd`).
    public var automaticActivityDetection: Bool { activityDetection?.disabled != true }

    /// The `setup` message for `endpoint`: model path, a Content system instruction, the response
    /// modality always sent.
    ///
    /// Model-specific defaults: a model that requires a thinking level gets its default level, and
    /// on a model whose function calling is ``LiveModel/FunctionCalling/asyncOnly`` a declaration
    /// without `behavior` is sent as `NON_BLOCKING` (aiden-firmware#708: the extended-thinking
    /// model needs it explicitly).
    public func setup(for endpoint: LiveEndpoint) -> Setup {
        let known = LiveModel.named(model)
        var speech: SpeechConfig?
        if voice != nil || customVoice != nil || replicatedVoice != nil || language != nil {
            let voiceConfig: VoiceConfig? =
                voice == nil && customVoice == nil && replicatedVoice == nil
                ? nil
                : VoiceConfig(
                    prebuiltVoiceConfig: voice.map { PrebuiltVoiceConfig(voiceName: $0) }, voice: customVoice,
                    replicatedVoiceConfig: replicatedVoice)
            speech = SpeechConfig(voiceConfig: voiceConfig, languageCode: language)
        }
        var thinkingConfig = thinking
        if thinkingConfig?.thinkingLevel == nil, thinkingConfig?.thinkingBudget == nil,
            let known, known.requiresThinkingLevel, let level = known.defaultThinkingLevel
        {
            thinkingConfig = ThinkingConfig(thinkingLevel: level, includeThoughts: thinkingConfig?.includeThoughts)
        }
        let generation = GenerationConfig(
            responseModalities: [responseModality], speechConfig: speech, temperature: temperature,
            maxOutputTokens: maxOutputTokens, mediaResolution: mediaResolution, thinkingConfig: thinkingConfig,
            enableAffectiveDialog: affectiveDialog, translationConfig: translation)
        var declarations = functions
        if known?.functionCalling == .asyncOnly {
            for index in declarations.indices where declarations[index].behavior == nil {
                declarations[index].behavior = .nonBlocking
            }
        }
        var tools = builtInTools
        if !declarations.isEmpty { tools.insert(Tool(functionDeclarations: declarations), at: 0) }
        var realtime: RealtimeInputConfig?
        if activityDetection != nil || activityHandling != nil || turnCoverage != nil {
            realtime = RealtimeInputConfig(
                automaticActivityDetection: activityDetection, activityHandling: activityHandling,
                turnCoverage: turnCoverage)
        }
        var resumption: SessionResumptionConfig?
        if sessionResumption || resumeHandle != nil {
            resumption = SessionResumptionConfig(
                handle: resumeHandle, transparent: transparentResumption ? true : nil)
        }
        return Setup(
            model: endpoint.modelPath(for: model),
            generationConfig: generation,
            systemInstruction: systemInstruction.map { Content.text($0, role: "user") },
            tools: tools.isEmpty ? nil : tools,
            realtimeInputConfig: realtime,
            sessionResumption: resumption,
            contextWindowCompression: contextCompression,
            inputAudioTranscription: inputTranscription ? AudioTranscriptionConfig() : nil,
            outputAudioTranscription: outputTranscription ? AudioTranscriptionConfig() : nil,
            proactivity: proactiveAudio.map { Proactivity(proactiveAudio: $0) })
    }
}
