import Foundation

/// What the library knows about one Live model id (protocol reference §6): whether it is still
/// served, what it accepts, and what replaced it.
public struct LiveModel: Sendable, Hashable {
    /// Whether a model id can be used today.
    public enum Status: Sendable, Hashable {
        /// Served.
        case current
        /// Served but marked legacy or preview-superseded; works, with a warning.
        case legacy(replacement: String)
        /// No longer served: the service answers 1008 "not found".
        case retired(replacement: String, since: String)
    }

    /// Which backend serves the id.
    public enum Backends: Sendable, Hashable {
        case geminiAPI
        case vertexAI
        case both
    }

    /// How the model takes a thinking configuration.
    public enum Thinking: Sendable, Hashable {
        /// No thinking configuration accepted.
        case unsupported
        /// `thinkingBudget` (2.5 models).
        case budget
        /// `thinkingLevel` (3.x models).
        case level
    }

    public var id: String
    public var status: Status
    public var backends: Backends
    /// Only `AUDIO` output: `TEXT` is refused (use `outputAudioTranscription` for text).
    public var audioOnly: Bool
    public var thinking: Thinking
    /// `proactivity.proactiveAudio` accepted.
    public var proactiveAudio: Bool
    /// Proactive audio is always on; `proactiveAudio: false` is an error.
    public var proactiveAudioAlwaysOn: Bool
    /// `generationConfig.enableAffectiveDialog` accepted.
    public var affectiveDialog: Bool
    /// The v1alpha API version is needed for affective dialog and proactivity.
    public var previewFeaturesNeedV1Alpha: Bool
    /// Vertex regions that serve it (empty: any).
    public var vertexRegions: [String]
    /// The thinking levels accepted when ``thinking`` is ``Thinking/level`` (in the SDK's order).
    public var thinkingLevels: [ThinkingLevel]
    /// The service closes the session (1007) unless a level from ``thinkingLevels`` is sent.
    public var requiresThinkingLevel: Bool
    /// The level ``SessionConfiguration`` sends when the caller names none (only for a model that
    /// ``requiresThinkingLevel``).
    public var defaultThinkingLevel: ThinkingLevel?
    /// How the model calls functions.
    public var functionCalling: FunctionCalling
    /// Built-in tools the model takes, by `Tool` field name; nil: not known to be restricted.
    public var builtInTools: Set<String>?
    /// Speech-to-speech translation: audio input only, `generationConfig.translationConfig`
    /// required, no tools, no system instruction.
    public var translates: Bool
    /// One request may be answered in several utterances, each ending with `turnComplete` and an
    /// ``InteractionStatus`` (`IN_PROGRESS`, then `IDLE`; ai.google.dev live-api/thinking).
    public var multiUtteranceRequests: Bool
    /// Documented for the Gemini API only, but reported on Vertex AI (conflicting sources):
    /// preflight warns on Vertex instead of refusing.
    public var reportedOnVertex: Bool

    /// The behaviour of a declared function without `behavior`: `NON_BLOCKING` on gemini-3.8-live
    /// (its model page: the default) and on extended thinking ("Async only"), `BLOCKING` on every
    /// other model. The simulator decides with the same rule.
    public var defaultFunctionBehavior: FunctionBehavior {
        switch functionCalling {
        case .nonBlockingDefault, .asyncOnly: .nonBlocking
        case .blockingDefault, .unsupported: .blocking
        }
    }

    /// Which function behaviours a model takes.
    public enum FunctionCalling: Sendable, Hashable {
        /// `BLOCKING` and `NON_BLOCKING`, `BLOCKING` when unset.
        case blockingDefault
        /// `BLOCKING` and `NON_BLOCKING`, `NON_BLOCKING` when unset (gemini-3.8-live).
        case nonBlockingDefault
        /// Only `NON_BLOCKING` ("Async only": gemini-3.8-live-extended-thinking).
        case asyncOnly
        /// No function calling (translation).
        case unsupported
    }

    init(
        _ id: String, status: Status = .current, backends: Backends = .geminiAPI, audioOnly: Bool = true,
        thinking: Thinking = .unsupported, proactiveAudio: Bool = false, proactiveAudioAlwaysOn: Bool = false,
        affectiveDialog: Bool = false, previewFeaturesNeedV1Alpha: Bool = false, vertexRegions: [String] = [],
        thinkingLevels: [ThinkingLevel] = ThinkingLevel.all, requiresThinkingLevel: Bool = false,
        defaultThinkingLevel: ThinkingLevel? = nil, functionCalling: FunctionCalling = .blockingDefault,
        builtInTools: Set<String>? = nil, translates: Bool = false, reportedOnVertex: Bool = false,
        multiUtteranceRequests: Bool = false
    ) {
        self.multiUtteranceRequests = multiUtteranceRequests
        self.thinkingLevels = thinkingLevels
        self.requiresThinkingLevel = requiresThinkingLevel
        self.defaultThinkingLevel = defaultThinkingLevel
        self.functionCalling = functionCalling
        self.builtInTools = builtInTools
        self.translates = translates
        self.reportedOnVertex = reportedOnVertex
        self.id = id
        self.status = status
        self.backends = backends
        self.audioOnly = audioOnly
        self.thinking = thinking
        self.proactiveAudio = proactiveAudio
        self.proactiveAudioAlwaysOn = proactiveAudioAlwaysOn
        self.affectiveDialog = affectiveDialog
        self.previewFeaturesNeedV1Alpha = previewFeaturesNeedV1Alpha
        self.vertexRegions = vertexRegions
    }

    /// The model the gateway uses when none is named: the stable Live model.
    public static let defaultID = "gemini-3.8-live"

    /// The speech-to-speech translation model.
    public static let translateID = "gemini-3.5-live-translate-preview"

    /// Built-in tools of the 3.x Live models: the model pages of gemini-3.8-live, its
    /// extended-thinking variant and gemini-3.1-flash-live-preview list Search grounding as
    /// supported and code execution, URL context, Google Maps and File search as not supported.
    /// MCP servers are not listed either way and stay allowed.
    static let threeXTools: Set<String> = ["googleSearch", "mcpServers"]

    /// Every Live model id the library knows, current and retired.
    ///
    /// Sources (docs/protocol-notes.md has the full list): the ai.google.dev model pages;
    /// extended thinking's levels from ProfSynapse/nexus#389 (tested against the service: 1007
    /// unless low, medium or high), Agora v2.9.0 and promptfoo#10956 (LOW/MEDIUM/HIGH only);
    /// its default LOW as aiden-firmware#708 uses it; translation from
    /// ai.google.dev/gemini-api/docs/live-api/live-translate.
    public static let known: [LiveModel] = [
        LiveModel(
            "gemini-3.8-live", thinking: .unsupported, proactiveAudio: true, proactiveAudioAlwaysOn: true,
            functionCalling: .nonBlockingDefault, builtInTools: threeXTools, reportedOnVertex: true),
        LiveModel(
            "gemini-3.8-live-extended-thinking", thinking: .level, proactiveAudio: true, proactiveAudioAlwaysOn: true,
            thinkingLevels: [.low, .medium, .high], requiresThinkingLevel: true, defaultThinkingLevel: .low,
            functionCalling: .asyncOnly, builtInTools: threeXTools, reportedOnVertex: true,
            multiUtteranceRequests: true),
        LiveModel(
            translateID, backends: .both, thinking: .unsupported, functionCalling: .unsupported, builtInTools: [],
            translates: true),
        LiveModel(
            "gemini-3.1-flash-live-preview", status: .legacy(replacement: "gemini-3.8-live"), thinking: .level,
            builtInTools: threeXTools, reportedOnVertex: true),
        LiveModel(
            "gemini-2.5-flash-native-audio-preview-12-2025", thinking: .budget, proactiveAudio: true,
            affectiveDialog: true, previewFeaturesNeedV1Alpha: true),
        LiveModel(
            "gemini-2.5-flash-native-audio-latest", thinking: .budget, proactiveAudio: true, affectiveDialog: true,
            previewFeaturesNeedV1Alpha: true),
        LiveModel(
            "gemini-2.5-flash-native-audio-preview-09-2025",
            status: .legacy(replacement: "gemini-2.5-flash-native-audio-preview-12-2025"), thinking: .budget,
            proactiveAudio: true, affectiveDialog: true, previewFeaturesNeedV1Alpha: true),
        LiveModel(
            "gemini-2.0-flash-live-001", status: .retired(replacement: "gemini-3.8-live", since: "2025-12-09"),
            audioOnly: false),
        LiveModel(
            "gemini-live-2.5-flash-preview",
            status: .retired(replacement: "gemini-2.5-flash-native-audio-preview-12-2025", since: "2025-12-09"),
            audioOnly: false),
        LiveModel(
            "gemini-2.5-flash-preview-native-audio-dialog",
            status: .retired(replacement: "gemini-2.5-flash-native-audio-preview-12-2025", since: "2025 (superseded)")),
        LiveModel(
            "gemini-2.5-flash-exp-native-audio-thinking-dialog",
            status: .retired(replacement: "gemini-2.5-flash-native-audio-preview-12-2025", since: "2025 (superseded)")),
        LiveModel(
            "gemini-live-2.5-flash-native-audio", backends: .vertexAI, thinking: .budget, proactiveAudio: true,
            affectiveDialog: true, vertexRegions: ["us-central1", "us-east5", "europe-west4"]),
        LiveModel(
            "gemini-live-2.5-flash-preview-native-audio-09-2025", backends: .vertexAI, thinking: .budget,
            proactiveAudio: true, affectiveDialog: true),
        LiveModel(
            "gemini-live-2.5-flash-preview-native-audio",
            status: .retired(replacement: "gemini-live-2.5-flash-native-audio (Vertex AI) or gemini-3.8-live (Gemini API)", since: "2025-10-18"),
            backends: .vertexAI),
        LiveModel("gemini-2.0-flash-live-preview-04-09", backends: .vertexAI, audioOnly: false),
    ]

    /// The entry for `id` (with or without `models/` or a publisher path), if known.
    public static func named(_ id: String) -> LiveModel? {
        let bare = Setup(model: id).modelID
        return known.first { $0.id == bare }
    }
}
