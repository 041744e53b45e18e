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

    init(
        _ id: String, status: Status = .current, backends: Backends = .geminiAPI, audioOnly: Bool = true,
        thinking: Thinking = .unsupported, proactiveAudio: Bool = false, proactiveAudioAlwaysOn: Bool = false,
        affectiveDialog: Bool = false, previewFeaturesNeedV1Alpha: Bool = false, vertexRegions: [String] = []
    ) {
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

    /// Every Live model id the library knows, current and retired.
    public static let known: [LiveModel] = [
        LiveModel("gemini-3.8-live", thinking: .unsupported, proactiveAudio: true, proactiveAudioAlwaysOn: true),
        LiveModel("gemini-3.8-live-extended-thinking", thinking: .level, proactiveAudio: true, proactiveAudioAlwaysOn: true),
        LiveModel("gemini-3.1-flash-live-preview", status: .legacy(replacement: "gemini-3.8-live"), thinking: .level),
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
