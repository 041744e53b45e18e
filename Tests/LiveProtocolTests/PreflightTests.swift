import Foundation
import Testing

@testable import LiveProtocol

/// Preflight catches, before a byte is sent, each mistake the service answers with a close, and
/// says what is wrong and how to fix it.
@Suite struct PreflightTests {
    static let gemini = LiveEndpoint(credential: .apiKey(Secret("k")))
    static let geminiAlpha = LiveEndpoint(apiVersion: "v1alpha", credential: .apiKey(Secret("k")))
    static func vertex(_ location: String) -> LiveEndpoint {
        LiveEndpoint(service: .vertexAI(project: "p", location: location), credential: .bearer(Secret("t")))
    }

    /// A correct first frame for `model`, with `generation` merged into generationConfig and
    /// `extra` into setup.
    static func frame(model: String, generation: String = "", extra: String = "") -> String {
        let generationFields = [#""responseModalities": ["AUDIO"]"#, generation].filter { !$0.isEmpty }.joined(separator: ", ")
        let setupFields = [#""model": "\#(model)""#, #""generationConfig": {\#(generationFields)}"#, extra]
            .filter { !$0.isEmpty }.joined(separator: ", ")
        return #"{"setup": {\#(setupFields)}}"#
    }

    /// The one issue with `rule`, checked to name the field and to say what and how.
    @discardableResult
    static func expectIssue(
        _ report: PreflightReport, rule: String, severity: PreflightIssue.Severity = .error, field: String? = nil,
        problemMentions: [String] = [], fixMentions: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) -> PreflightIssue? {
        let matching = report.issues.filter { $0.rule == rule }
        guard let issue = matching.first else {
            Issue.record("no \(rule) issue in \(report.issues.map(\.rule))", sourceLocation: sourceLocation)
            return nil
        }
        #expect(matching.count == 1, sourceLocation: sourceLocation)
        #expect(issue.severity == severity, sourceLocation: sourceLocation)
        if let field { #expect(issue.field == field, sourceLocation: sourceLocation) }
        #expect(!issue.field.isEmpty && !issue.problem.isEmpty && !issue.fix.isEmpty, sourceLocation: sourceLocation)
        for word in problemMentions {
            #expect(issue.problem.contains(word), "problem \"\(issue.problem)\" lacks \"\(word)\"", sourceLocation: sourceLocation)
        }
        for word in fixMentions {
            #expect(issue.fix.contains(word), "fix \"\(issue.fix)\" lacks \"\(word)\"", sourceLocation: sourceLocation)
        }
        #expect(issue.description.contains(issue.problem) && issue.description.contains(issue.fix), sourceLocation: sourceLocation)
        return issue
    }

    static func raw(_ text: String, _ endpoint: LiveEndpoint = gemini) -> PreflightReport {
        Preflight.check(rawFirstFrame: text, endpoint: endpoint)
    }

    // MARK: Correct setups

    @Test func correctSetupsHaveNoIssues() throws {
        #expect(Self.raw(Self.frame(model: "models/gemini-3.8-live")).issues == [])
        let ours = String(decoding: try ClientMessage.setup(SessionConfiguration().setup(for: Self.gemini)).encoded(), as: UTF8.self)
        #expect(Self.raw(ours).issues == [])
        let vertex = SessionConfiguration(model: "gemini-live-2.5-flash-native-audio", affectiveDialog: true)
        #expect(Preflight.check(vertex, endpoint: Self.vertex("us-central1")).issues == [])
        let alpha = SessionConfiguration(
            model: "gemini-2.5-flash-native-audio-preview-12-2025", proactiveAudio: true, affectiveDialog: true)
        #expect(Preflight.check(alpha, endpoint: Self.geminiAlpha).issues == [])
        #expect(throws: Never.self) { try Self.raw(Self.frame(model: "models/gemini-3.8-live")).throwIfBlocked() }
    }

    @Test func sdkCapturedSetupHasNoErrors() {
        let report = Self.raw(CapturedFramesTests.sdkSetup)
        #expect(report.errors == [])
        #expect(report.warnings == [])
    }

    // MARK: Seed mistakes

    @Test func setupFieldsOutsideTheWrapper() throws {
        let report = Self.raw(#"{"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["AUDIO"]}}"#)
        Self.expectIssue(
            report, rule: "missing-setup-wrapper", field: "generationConfig, model", problemMentions: ["top level", "1007"],
            fixMentions: [#"{"setup": {"model""#, "generationConfig"])
        #expect(report.issues.count == 1)
        #expect(throws: PreflightError.self) { try report.throwIfBlocked() }
    }

    @Test(arguments: ["responseModalities", "speechConfig", "response_modalities"])
    func generationFieldDirectlyUnderSetup(field: String) {
        let value = field == "speechConfig" ? #"{"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}"# : #"["AUDIO"]"#
        let report = Self.raw(#"{"setup": {"model": "models/gemini-3.8-live", "\#(field)": \#(value)}}"#)
        Self.expectIssue(
            report, rule: "wrong-level", field: "setup.\(field)",
            problemMentions: ["setup.generationConfig", #"Unknown name "\#(field)" at 'setup'"#],
            fixMentions: [#"{"generationConfig": {"\#(field)""#])
    }

    @Test func bareStringSystemInstruction() {
        let report = Self.raw(#"{"setup": {"model": "models/gemini-3.8-live", "systemInstruction": "Be nice"}}"#)
        Self.expectIssue(
            report, rule: "system-instruction-string", field: "setup.systemInstruction",
            problemMentions: ["Content object", "setup.system_instruction"], fixMentions: [#"{"parts": [{"text": "Be nice"}]}"#])
    }

    @Test(arguments: ["inputAudioTranscription", "outputAudioTranscription"])
    func activityDetectionInsideTranscription(config: String) {
        let report = Self.raw(
            #"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["AUDIO"]}, "\#(config)": {"automaticActivityDetection": {"disabled": true}}}}"#)
        Self.expectIssue(
            report, rule: "vad-in-transcription", field: "setup.\(config).automaticActivityDetection",
            problemMentions: ["transcription", "1007"], fixMentions: ["setup.realtimeInputConfig", "automaticActivityDetection"])
    }

    static let retired: [(model: String, replacement: String)] = [
        ("gemini-2.0-flash-live-001", "gemini-3.8-live"),
        ("gemini-live-2.5-flash-preview", "gemini-2.5-flash-native-audio-preview-12-2025"),
        ("gemini-2.5-flash-preview-native-audio-dialog", "gemini-2.5-flash-native-audio-preview-12-2025"),
        ("gemini-2.5-flash-exp-native-audio-thinking-dialog", "gemini-2.5-flash-native-audio-preview-12-2025"),
        ("gemini-live-2.5-flash-preview-native-audio", "gemini-live-2.5-flash-native-audio"),
    ]

    @Test(arguments: retired)
    func retiredModels(model: String, replacement: String) {
        let report = Self.raw(Self.frame(model: "models/\(model)"))
        Self.expectIssue(
            report, rule: "retired-model", field: "setup.model", problemMentions: [model, "1008", "not found"],
            fixMentions: [replacement])
    }

    @Test func everyRetiredModelIsCovered() {
        let known = LiveModel.known.filter { if case .retired = $0.status { true } else { false } }.map(\.id)
        #expect(Set(known) == Set(Self.retired.map(\.model)))
    }

    @Test func legacyModelWarns() {
        let report = Self.raw(Self.frame(model: "models/gemini-3.1-flash-live-preview"))
        Self.expectIssue(report, rule: "legacy-model", severity: .warning, fixMentions: ["gemini-3.8-live"])
        #expect(report.errors == [])
    }

    // MARK: Model options

    static let audioOnlyModels = LiveModel.known.filter(\.audioOnly)

    @Test(arguments: audioOnlyModels.map(\.id))
    func textOnAudioOnlyModel(id: String) throws {
        let model = try #require(LiveModel.named(id))
        let endpoint = model.backends == .vertexAI ? Self.vertex("us-central1") : Self.gemini
        let report = Self.raw(#"{"setup": {"model": "\#(endpoint.modelPath(for: id))", "generationConfig": {"responseModalities": ["TEXT"]}}}"#, endpoint)
        Self.expectIssue(
            report, rule: "text-on-audio-model", field: "setup.generationConfig.responseModalities",
            problemMentions: [id, "TEXT"], fixMentions: [#"["AUDIO"]"#, "outputAudioTranscription"])
    }

    @Test func textOnAHalfCascadeModelIsFine() {
        let report = Self.raw(#"{"setup": {"model": "projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash-live-preview-04-09", "generationConfig": {"responseModalities": ["TEXT"]}}}"#, Self.vertex("us-central1"))
        #expect(report.issues == [])
    }

    @Test func twoModalitiesAtOnce() {
        let report = Self.raw(#"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"responseModalities": ["AUDIO", "TEXT"]}}}"#)
        Self.expectIssue(report, rule: "one-modality", fixMentions: [#"["AUDIO"]"#])
    }

    @Test func thinkingConfigOn38() {
        let report = Self.raw(Self.frame(model: "models/gemini-3.8-live", generation: #""thinkingConfig": {"thinkingLevel": "LOW"}"#))
        Self.expectIssue(
            report, rule: "thinking-unsupported", field: "setup.generationConfig.thinkingConfig",
            problemMentions: ["gemini-3.8-live"], fixMentions: ["thinkingConfig", "gemini-3.8-live-extended-thinking"])
        let extended = Self.raw(Self.frame(model: "models/gemini-3.8-live-extended-thinking", generation: #""thinkingConfig": {"thinkingLevel": "LOW"}"#))
        #expect(extended.issues == [])
    }

    @Test func thinkingBudgetVersusLevel() {
        Self.expectIssue(
            Self.raw(Self.frame(model: "models/gemini-3.1-flash-live-preview", generation: #""thinkingConfig": {"thinkingBudget": 100}"#)),
            rule: "thinking-budget", fixMentions: ["thinkingLevel"])
        Self.expectIssue(
            Self.raw(Self.frame(model: "models/gemini-2.5-flash-native-audio-preview-12-2025", generation: #""thinkingConfig": {"thinkingLevel": "LOW"}"#)),
            rule: "thinking-level", fixMentions: ["thinkingBudget"])
    }

    @Test func proactiveAudioFalseOn38() {
        let report = Self.raw(Self.frame(model: "models/gemini-3.8-live", extra: #""proactivity": {"proactiveAudio": false}"#))
        Self.expectIssue(
            report, rule: "proactive-audio-always-on", field: "setup.proactivity.proactiveAudio",
            problemMentions: ["gemini-3.8-live", "always"], fixMentions: ["setup.proactivity"])
        #expect(Self.raw(Self.frame(model: "models/gemini-3.8-live", extra: #""proactivity": {"proactiveAudio": true}"#)).issues == [])
    }

    @Test(arguments: ["gemini-3.8-live", "gemini-3.1-flash-live-preview"])
    func affectiveDialogOnModelsWithout(model: String) {
        let report = Self.raw(Self.frame(model: "models/\(model)", generation: #""enableAffectiveDialog": true"#))
        Self.expectIssue(
            report, rule: "affective-dialog", field: "setup.generationConfig.enableAffectiveDialog", problemMentions: [model],
            fixMentions: ["enableAffectiveDialog"])
    }

    @Test func proactiveAudioOn31() {
        let report = Self.raw(Self.frame(model: "models/gemini-3.1-flash-live-preview", extra: #""proactivity": {"proactiveAudio": true}"#))
        Self.expectIssue(report, rule: "proactive-audio", problemMentions: ["gemini-3.1-flash-live-preview"], fixMentions: ["setup.proactivity"])
    }

    @Test(arguments: ["v1beta"])
    func previewFeaturesOffV1alphaOn25NativeAudio(version: String) {
        let endpoint = LiveEndpoint(apiVersion: version, credential: .apiKey(Secret("k")))
        let model = "models/gemini-2.5-flash-native-audio-preview-12-2025"
        let affective = Self.raw(Self.frame(model: model, generation: #""enableAffectiveDialog": true"#), endpoint)
        Self.expectIssue(
            affective, rule: "affective-dialog-version", problemMentions: ["v1alpha", version], fixMentions: ["v1alpha"])
        let proactive = Self.raw(Self.frame(model: model, extra: #""proactivity": {"proactive_audio": true}"#), endpoint)
        Self.expectIssue(
            proactive, rule: "proactive-audio-version", problemMentions: ["v1alpha", version], fixMentions: ["v1alpha"])
        // The same on v1alpha is fine (the captured v1alpha setup).
        #expect(Self.raw(CapturedFramesTests.v1alphaSetup, Self.geminiAlpha).issues == [])
    }

    @Test(arguments: ["gemini-live-2.5-flash-native-audio", "gemini-live-2.5-flash-preview-native-audio-09-2025", "gemini-2.0-flash-live-preview-04-09"])
    func vertexOnlyModelOnTheGeminiAPI(model: String) {
        let report = Self.raw(Self.frame(model: "models/\(model)"))
        Self.expectIssue(
            report, rule: "vertex-only-model", field: "setup.model", problemMentions: [model, "Vertex AI", "1008"],
            fixMentions: [LiveModel.defaultID, "Vertex AI"])
    }

    /// Conflicting sources (the model page vs Agent Platform docs and users): a warning that says
    /// what to do if Vertex AI refuses, not a refusal.
    @Test(arguments: ["gemini-3.8-live", "gemini-3.8-live-extended-thinking", "gemini-3.1-flash-live-preview"])
    func geminiOnlyModelOnVertex(model: String) {
        let report = Preflight.check(SessionConfiguration(model: model), endpoint: Self.vertex("us-central1"))
        Self.expectIssue(
            report, rule: "gemini-only-model", severity: .warning, problemMentions: ["Gemini API", "Vertex AI"],
            fixMentions: ["1008", "gemini-live-2.5-flash-native-audio"])
        #expect(report.errors.isEmpty)
    }

    @Test func vertexRegion() {
        let report = Preflight.check(SessionConfiguration(model: "gemini-live-2.5-flash-native-audio"), endpoint: Self.vertex("global"))
        Self.expectIssue(
            report, rule: "vertex-region", problemMentions: ["global", "us-central1"], fixMentions: ["locations"])
        for region in ["us-central1", "us-east5", "europe-west4"] {
            #expect(Preflight.check(SessionConfiguration(model: "gemini-live-2.5-flash-native-audio"), endpoint: Self.vertex(region)).issues == [])
        }
    }

    // MARK: Endpoint options

    @Test(arguments: ["v1beta", "v1"])
    func ephemeralTokenOffV1alpha(version: String) {
        let endpoint = LiveEndpoint(apiVersion: version, credential: .ephemeralToken(Secret("auth_tokens/x")))
        let report = Preflight.check(SessionConfiguration(), endpoint: endpoint)
        Self.expectIssue(report, rule: "ephemeral-token-version", field: "endpoint.apiVersion", problemMentions: [version], fixMentions: ["v1alpha"])
        #expect(Preflight.check(SessionConfiguration(), endpoint: LiveEndpoint(credential: .ephemeralToken(Secret("auth_tokens/x")))).issues == [])
    }

    @Test func transparentResumptionOnTheGeminiAPI() {
        let report = Preflight.check(SessionConfiguration(transparentResumption: true), endpoint: Self.gemini)
        Self.expectIssue(
            report, rule: "transparent-resumption", field: "setup.sessionResumption.transparent", problemMentions: ["Vertex AI"],
            fixMentions: ["transparent"])
        let vertex = SessionConfiguration(model: "gemini-live-2.5-flash-native-audio", transparentResumption: true)
        #expect(Preflight.check(vertex, endpoint: Self.vertex("us-central1")).issues == [])
    }

    @Test func explicitVadSignalOnTheGeminiAPI() {
        Self.expectIssue(Self.raw(Self.frame(model: "models/gemini-3.8-live", extra: #""explicitVadSignal": true"#)), rule: "explicit-vad-signal")
    }

    @Test func unknownModelPassesWithAWarning() throws {
        let report = Self.raw(Self.frame(model: "models/gemini-4.0-live"))
        Self.expectIssue(report, rule: "unknown-model", severity: .warning, problemMentions: ["gemini-4.0-live"], fixMentions: ["ListModels"])
        #expect(report.errors == [])
        #expect(throws: Never.self) { try report.throwIfBlocked() }
    }

    @Test func modelWithoutPrefixOnTheGeminiAPI() {
        Self.expectIssue(Self.raw(Self.frame(model: "gemini-3.8-live")), rule: "model-prefix", fixMentions: ["models/gemini-3.8-live"])
    }

    @Test func missingModalityWarns() {
        let report = Self.raw(#"{"setup": {"model": "models/gemini-3.8-live"}}"#)
        Self.expectIssue(report, rule: "modality-missing", severity: .warning, fixMentions: ["AUDIO"])
        #expect(report.errors == [])
    }

    // MARK: Frame structure

    @Test func structuralMistakes() {
        Self.expectIssue(Self.raw("{not json"), rule: "invalid-json")
        Self.expectIssue(Self.raw("[]"), rule: "not-an-object")
        Self.expectIssue(Self.raw(#"{"realtimeInput": {"text": "hi"}}"#), rule: "setup-first", fixMentions: ["setupComplete"])
        Self.expectIssue(Self.raw(#"{"setup": {"model": "models/gemini-3.8-live"}, "realtimeInput": {"text": "hi"}}"#), rule: "one-top-level-key")
        Self.expectIssue(Self.raw(#"{"setup": "models/gemini-3.8-live"}"#), rule: "setup-not-object")
    }

    @Test func unknownFieldQuotesTheServiceText() {
        let report = Self.raw(Self.frame(model: "models/gemini-3.8-live", generation: #""voice": "Kore""#))
        Self.expectIssue(
            report, rule: "unknown-field", field: "setup.generation_config",
            problemMentions: [#"Invalid JSON payload received. Unknown name "voice" at 'setup.generation_config': Cannot find field."#])
    }

    @Test func snakeCaseSetupFrameIsUnderstood() {
        let report = Self.raw(
            #"{"setup": {"model": "models/gemini-3.8-live", "generation_config": {"response_modalities": ["AUDIO"], "thinking_config": {"thinking_level": "LOW"}}}}"#)
        Self.expectIssue(report, rule: "thinking-unsupported")
    }

    // MARK: Messages on a live connection

    static let automatic = SessionConfiguration().setup(for: gemini)
    static let manual = SessionConfiguration(activityDetection: AutomaticActivityDetection(disabled: true)).setup(for: gemini)

    @Test func activitySignalsNeedManualDetection() throws {
        let start = try #require(Preflight.check(.realtimeInput(RealtimeInput(activityStart: EmptyObject())), in: Self.automatic))
        #expect(start.rule == "activity-with-automatic-vad")
        #expect(start.field == "realtimeInput.activityStart")
        #expect(start.problem.contains("automatic activity detection"))
        #expect(start.fix.contains("automaticActivityDetection.disabled"))
        let end = try #require(Preflight.check(.realtimeInput(RealtimeInput(activityEnd: EmptyObject())), in: Self.automatic))
        #expect(end.rule == "activity-with-automatic-vad")
        #expect(end.field == "realtimeInput.activityEnd")
        #expect(Preflight.check(.realtimeInput(RealtimeInput(activityStart: EmptyObject())), in: Self.manual) == nil)
        #expect(Preflight.check(.realtimeInput(RealtimeInput(activityEnd: EmptyObject())), in: Self.manual) == nil)
    }

    @Test func audioStreamEndNeedsAutomaticDetection() throws {
        let issue = try #require(Preflight.check(.realtimeInput(RealtimeInput(audioStreamEnd: true)), in: Self.manual))
        #expect(issue.rule == "stream-end-with-manual-vad")
        #expect(issue.field == "realtimeInput.audioStreamEnd")
        #expect(issue.problem.contains("automatic activity detection"))
        #expect(issue.fix.contains("activityEnd"))
        #expect(Preflight.check(.realtimeInput(RealtimeInput(audioStreamEnd: true)), in: Self.automatic) == nil)
    }

    @Test func otherLiveMessages() throws {
        #expect(Preflight.check(.realtimeInput(.audio(.pcm(Data([0, 0]), sampleRate: 16_000))), in: Self.automatic) == nil)
        let rateless = try #require(Preflight.check(.realtimeInput(.audio(Blob(mimeType: "audio/pcm", data: Data()))), in: Self.automatic))
        #expect(rateless.rule == "pcm-rate")
        #expect(rateless.fix.contains("audio/pcm;rate=16000"))
        let second = try #require(Preflight.check(.setup(Self.automatic), in: Self.automatic))
        #expect(second.rule == "second-setup")
        let missingID = try #require(
            Preflight.check(.toolResponse(ToolResponse(functionResponses: [FunctionResponse(id: nil, name: "f", response: [:])])), in: Self.automatic))
        #expect(missingID.rule == "tool-response-id")
        #expect(missingID.fix.contains("id"))
        #expect(Preflight.check(.toolResponse(ToolResponse(functionResponses: [FunctionResponse(id: "c", name: "f", response: [:])])), in: Self.automatic) == nil)
        #expect(Preflight.check(.clientContent(.userText("hi")), in: Self.automatic) == nil)
    }

    @Test func invalidFunctionName() {
        let configuration = SessionConfiguration(functions: [FunctionDeclaration(name: "get weather!")])
        Self.expectIssue(Preflight.check(configuration, endpoint: Self.gemini), rule: "function-name", problemMentions: ["get weather!"])
        #expect(Preflight.check(SessionConfiguration(functions: [FunctionDeclaration(name: "get_weather.v2-x")]), endpoint: Self.gemini).issues == [])
    }

    @Test func outOfRangeValues() {
        var configuration = SessionConfiguration(temperature: 3)
        configuration.activityDetection = AutomaticActivityDetection(prefixPaddingMs: -1, silenceDurationMs: -5)
        let report = Preflight.check(configuration, endpoint: Self.gemini)
        #expect(Set(report.issues.filter { $0.rule == "out-of-range" }.map(\.field)) == [
            "setup.generationConfig.temperature",
            "setup.realtimeInputConfig.automaticActivityDetection.silenceDurationMs",
            "setup.realtimeInputConfig.automaticActivityDetection.prefixPaddingMs",
        ])
    }
}
