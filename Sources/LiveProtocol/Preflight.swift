import Foundation

/// Checks a session before anything is sent, so a mistake that the service would answer with a
/// close right after setup is explained here instead, with the fix (protocol reference §4.2, §6,
/// §8).
public enum Preflight {
    /// Checks a typed configuration for `endpoint`.
    public static func check(_ configuration: SessionConfiguration, endpoint: LiveEndpoint) -> PreflightReport {
        check(configuration.setup(for: endpoint), endpoint: endpoint)
    }

    /// Checks a `setup` message for `endpoint`.
    public static func check(_ setup: Setup, endpoint: LiveEndpoint) -> PreflightReport {
        var issues: [PreflightIssue] = []
        issues += endpointIssues(setup, endpoint: endpoint)
        issues += modelIssues(setup, endpoint: endpoint)
        issues += modalityIssues(setup)
        issues += featureIssues(setup, endpoint: endpoint)
        issues += modelFeatureIssues(setup, endpoint: endpoint)
        return PreflightReport(issues: issues)
    }

    /// Checks a hand-written first frame (raw JSON text): the structural mistakes of hand-written
    /// clients first, then everything ``check(_:endpoint:)-(Setup,_)`` checks.
    public static func check(rawFirstFrame text: String, endpoint: LiveEndpoint) -> PreflightReport {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            return PreflightReport(issues: [
                PreflightIssue(
                    rule: "invalid-json", field: "(frame)", problem: "The frame is not valid JSON.",
                    fix: "Send one JSON object such as {\"setup\": {\"model\": \"models/\(LiveModel.defaultID)\"}}.")
            ])
        }
        guard case .object(let top) = value else {
            return PreflightReport(issues: [
                PreflightIssue(
                    rule: "not-an-object", field: "(frame)", problem: "The frame is not a JSON object.",
                    fix: "Send {\"setup\": {…}} as the first frame.")
            ])
        }
        let setupFieldsAtTop = top.keys.filter { key in
            if case .message(_, let fields) = MessageSchema.setup { return fields[LiveJSON.camelCase(key)] != nil }
            return false
        }
        if top["setup"] == nil && !setupFieldsAtTop.isEmpty {
            return PreflightReport(issues: [
                PreflightIssue(
                    rule: "missing-setup-wrapper", field: setupFieldsAtTop.sorted().joined(separator: ", "),
                    problem:
                        "Setup fields are at the top level of the frame. The service only knows setup, clientContent, realtimeInput and toolResponse there, so it closes the connection with 1007 (unknown field).",
                    fix: "Wrap them: {\"setup\": {\"model\": …, \"generationConfig\": {…}, …}}.")
            ])
        }
        if top.count != 1 {
            return PreflightReport(issues: [
                PreflightIssue(
                    rule: "one-top-level-key", field: top.keys.sorted().joined(separator: ", "),
                    problem: "A client frame must carry exactly one top-level key; this one has \(top.count).",
                    fix: "Send the setup alone as the first frame, then each other message in its own frame.")
            ])
        }
        guard let setupValue = top["setup"] ?? top.first(where: { LiveJSON.camelCase($0.key) == "setup" })?.value else {
            return PreflightReport(issues: [
                PreflightIssue(
                    rule: "setup-first", field: top.keys.first ?? "(frame)",
                    problem: "The first frame of a connection must be the setup; this is \(top.keys.first ?? "empty").",
                    fix: "Send {\"setup\": {…}} first and wait for setupComplete before anything else.")
            ])
        }
        var issues = structuralSetupIssues(setupValue)
        if !issues.isEmpty { return PreflightReport(issues: issues) }
        if let violation = MessageSchema.clientMessage.firstViolation(in: value, path: "") {
            return PreflightReport(issues: [
                PreflightIssue(
                    rule: "unknown-field", field: violation.path,
                    problem: "The service will close with 1007: \(violation.serviceReason(apiVersion: endpoint.apiVersion))",
                    fix: "Remove the field or move it where the protocol defines it (see docs/troubleshooting.md).")
            ])
        }
        do {
            let message = try ClientMessage.decode(Data(text.utf8))
            guard case .setup(let setup) = message else { return PreflightReport(issues: issues) }
            if setup.generationConfig?.responseModalities == nil {
                issues.append(
                    PreflightIssue(
                        rule: "modality-missing", severity: .warning, field: "setup.generationConfig.responseModalities",
                        problem: "No response modality is set; the service picks one.",
                        fix: "Always send \"responseModalities\": [\"AUDIO\"]."))
            }
            issues += check(setup, endpoint: endpoint).issues
        } catch {
            issues.append(
                PreflightIssue(
                    rule: "invalid-value", field: "setup", problem: "The setup does not decode: \(LiveJSON.describe(error)).",
                    fix: "Check the field's type against the protocol reference."))
        }
        return PreflightReport(issues: issues)
    }

    /// Checks one message against the session's setup, before it is sent on a live connection.
    /// An issue may be a warning (sources conflict on whether the service refuses it): send the
    /// message anyway and report the warning.
    public static func check(_ message: ClientMessage, in setup: Setup) -> PreflightIssue? {
        let automatic = setup.realtimeInputConfig?.automaticDetectionEnabled ?? true
        if let issue = modelMessageIssue(message, model: LiveModel.named(setup.modelID)) { return issue }
        switch message {
        case .setup:
            return PreflightIssue(
                rule: "second-setup", field: "setup",
                problem: "A setup was already sent on this connection; the service closes on a second one.",
                fix: "Open a new connection (with the resumption handle) to change the configuration.")
        case .realtimeInput(let input):
            if (input.activityStart != nil || input.activityEnd != nil) && automatic {
                return PreflightIssue(
                    rule: "activity-with-automatic-vad",
                    field: input.activityStart != nil ? "realtimeInput.activityStart" : "realtimeInput.activityEnd",
                    problem: "activityStart/activityEnd are only allowed when automatic activity detection is disabled.",
                    fix: "Set setup.realtimeInputConfig.automaticActivityDetection.disabled = true, or let the service detect speech.")
            }
            if input.audioStreamEnd == true && !automatic {
                return PreflightIssue(
                    rule: "stream-end-with-manual-vad", field: "realtimeInput.audioStreamEnd",
                    problem: "audioStreamEnd is only allowed while automatic activity detection is on.",
                    fix: "Send activityEnd to end the user's turn instead.")
            }
            if let audio = input.audio, audio.pcmSampleRate == nil, audio.mimeType.lowercased().hasPrefix("audio/pcm") {
                return PreflightIssue(
                    rule: "pcm-rate", field: "realtimeInput.audio.mimeType",
                    problem: "PCM audio must name its rate (\(audio.mimeType)).",
                    fix: "Use audio/pcm;rate=16000 and send 16 kHz 16-bit mono.")
            }
            return nil
        case .toolResponse(let response):
            if let missing = response.functionResponses.first(where: { ($0.id ?? "").isEmpty }) {
                return PreflightIssue(
                    rule: "tool-response-id", field: "toolResponse.functionResponses.id",
                    problem: "The response to \(missing.name) has no id; the Gemini API requires it.",
                    fix: "Echo toolCall.functionCalls[].id in each function response.")
            }
            return nil
        case .clientContent, .contextUpdate:
            return nil
        }
    }

    // MARK: Rules

    static func structuralSetupIssues(_ setup: JSONValue) -> [PreflightIssue] {
        guard case .object(let fields) = setup else {
            return [
                PreflightIssue(
                    rule: "setup-not-object", field: "setup", problem: "setup must be a JSON object.",
                    fix: "Send {\"setup\": {\"model\": \"models/…\", …}}.")
            ]
        }
        var issues: [PreflightIssue] = []
        let generationFields: Set<String> = [
            "responseModalities", "speechConfig", "temperature", "topP", "topK", "maxOutputTokens",
            "mediaResolution", "thinkingConfig", "enableAffectiveDialog", "candidateCount", "seed",
        ]
        for key in fields.keys.sorted() where generationFields.contains(LiveJSON.camelCase(key)) {
            issues.append(
                PreflightIssue(
                    rule: "wrong-level", field: "setup.\(key)",
                    problem:
                        "\(key) belongs inside setup.generationConfig; at setup's level the service closes with 1007 \"Invalid JSON payload received. Unknown name \"\(key)\" at 'setup': Cannot find field.\"",
                    fix: "Move it: {\"setup\": {\"generationConfig\": {\"\(key)\": …}}}."))
        }
        for key in ["proactivity"] {
            if case .object(let generation)? = fields["generationConfig"] ?? fields["generation_config"],
                generation[key] != nil
            {
                issues.append(
                    PreflightIssue(
                        rule: "wrong-level", field: "setup.generationConfig.\(key)",
                        problem: "\(key) belongs at setup's top level, not inside generationConfig.",
                        fix: "Move it to setup.\(key)."))
            }
        }
        for (key, value) in fields where LiveJSON.camelCase(key) == "systemInstruction" {
            if case .string(let text) = value {
                issues.append(
                    PreflightIssue(
                        rule: "system-instruction-string", field: "setup.systemInstruction",
                        problem:
                            "systemInstruction is a bare string; the service wants a Content object and closes with 1007 \"Invalid value at 'setup.system_instruction'\".",
                        fix: "Send {\"systemInstruction\": {\"parts\": [{\"text\": \(JSONValue.string(text).compactText)}]}}."))
            }
        }
        if case .object(let generation)? = fields["generationConfig"] ?? fields["generation_config"],
            case .object(let speech)? = generation["speechConfig"] ?? generation["speech_config"],
            speech["multiSpeakerVoiceConfig"] ?? speech["multi_speaker_voice_config"] != nil
        {
            issues.append(
                PreflightIssue(
                    rule: "multi-speaker-voice", field: "setup.generationConfig.speechConfig.multiSpeakerVoiceConfig",
                    problem: "Live sessions have one voice; google-genai refuses multiSpeakerVoiceConfig for Live and the service does not know the field.",
                    fix: "Use speechConfig.voiceConfig with one voice."))
        }
        let vadFields: Set<String> = [
            "automaticActivityDetection", "activityHandling", "turnCoverage", "disabled", "silenceDurationMs",
            "prefixPaddingMs", "startOfSpeechSensitivity", "endOfSpeechSensitivity",
        ]
        for (key, value) in fields.sorted(by: { $0.key < $1.key })
        where ["inputAudioTranscription", "outputAudioTranscription"].contains(LiveJSON.camelCase(key)) {
            guard case .object(let inner) = value else { continue }
            for innerKey in inner.keys.sorted() where vadFields.contains(LiveJSON.camelCase(innerKey)) {
                issues.append(
                    PreflightIssue(
                        rule: "vad-in-transcription", field: "setup.\(key).\(innerKey)",
                        problem:
                            "Voice-activity settings are not part of a transcription config; the service closes with 1007 (unknown field).",
                        fix: "Move \(innerKey) to setup.realtimeInputConfig (automaticActivityDetection sits there, next to activityHandling and turnCoverage); leave \(key) as {}."))
            }
        }
        return issues
    }

    static func endpointIssues(_ setup: Setup, endpoint: LiveEndpoint) -> [PreflightIssue] {
        var issues: [PreflightIssue] = []
        if case .ephemeralToken = endpoint.credential, endpoint.apiVersion != "v1alpha" {
            issues.append(
                PreflightIssue(
                    rule: "ephemeral-token-version", field: "endpoint.apiVersion",
                    problem: "Ephemeral tokens work only on v1alpha (BidiGenerateContentConstrained); this endpoint uses \(endpoint.apiVersion).",
                    fix: "Use API version v1alpha with the ephemeral token, or an API key."))
        }
        if endpoint.isGeminiAPI, setup.sessionResumption?.transparent == true {
            issues.append(
                PreflightIssue(
                    rule: "transparent-resumption", field: "setup.sessionResumption.transparent",
                    problem: "Transparent resumption is a Vertex AI feature; the Gemini API rejects it.",
                    fix: "Drop transparent (plain resumption handles work on the Gemini API)."))
        }
        if endpoint.isGeminiAPI, setup.explicitVadSignal != nil {
            issues.append(
                PreflightIssue(
                    rule: "explicit-vad-signal", field: "setup.explicitVadSignal",
                    problem: "explicitVadSignal is a Vertex AI feature; the Gemini API rejects it.",
                    fix: "Remove explicitVadSignal."))
        }
        if let problem = endpoint.apiVersionProblem {
            issues.append(
                PreflightIssue(
                    rule: "api-version", field: "endpoint.apiVersion", problem: problem,
                    fix: "Set api_version = \"v1beta\" in config.toml (or --api-version v1beta); v1 remains valid for a custom endpoint or Vertex AI."))
        }
        if setup.model.isEmpty {
            issues.append(
                PreflightIssue(
                    rule: "model-missing", field: "setup.model", problem: "No model is named.",
                    fix: "Set setup.model, e.g. \"models/\(LiveModel.defaultID)\"."))
        }
        return issues
    }

    static func modelIssues(_ setup: Setup, endpoint: LiveEndpoint) -> [PreflightIssue] {
        let id = setup.modelID
        guard !id.isEmpty else { return [] }
        var issues: [PreflightIssue] = []
        if endpoint.isGeminiAPI, !setup.model.hasPrefix("models/") {
            issues.append(
                PreflightIssue(
                    rule: "model-prefix", field: "setup.model",
                    problem: "The Gemini API names models as models/<id>; \"\(setup.model)\" lacks the prefix.",
                    fix: "Send \"models/\(id)\"."))
        }
        guard let model = LiveModel.named(id) else {
            issues.append(
                PreflightIssue(
                    rule: "unknown-model", severity: .warning, field: "setup.model",
                    problem: "\(id) is not a Live model this gateway knows; it may be new, or it may not support bidiGenerateContent (then the service closes with 1008 \"not found\").",
                    fix: "Check ListModels for bidiGenerateContent, or use \(LiveModel.defaultID)."))
            return issues
        }
        switch model.status {
        case .retired(let replacement, let since):
            issues.append(
                PreflightIssue(
                    rule: "retired-model", field: "setup.model",
                    problem: "\(id) is no longer served (since \(since)); the service closes with 1008 \"models/\(id) is not found…\".",
                    fix: "Use \(replacement)."))
        case .legacy(let replacement):
            issues.append(
                PreflightIssue(
                    rule: "legacy-model", severity: .warning, field: "setup.model",
                    problem: "\(id) is superseded and may be shut down.", fix: "Move to \(replacement)."))
        case .current:
            break
        }
        switch (model.backends, endpoint.service) {
        case (.vertexAI, .geminiAPI):
            issues.append(
                PreflightIssue(
                    rule: "vertex-only-model", field: "setup.model",
                    problem: "\(id) is a Vertex AI model; the Gemini API answers 1008 \"not found\".",
                    fix: "Use \(LiveModel.defaultID) on the Gemini API, or connect to Vertex AI."))
        case (.geminiAPI, .vertexAI) where model.reportedOnVertex:
            // Conflicting sources (protocol-update D7): the model pages and google-genai's tests
            // say Gemini API only; Agent Platform's session docs, promptfoo#10956 and Agora's
            // Vertex sample use the 3.x Live models there.
            issues.append(
                PreflightIssue(
                    rule: "gemini-only-model", severity: .warning, field: "setup.model",
                    problem: "\(id) is documented for the Gemini API only, but Agent Platform (Vertex AI) docs and users report it there; it may or may not be served in this project and location.",
                    fix: "If Vertex AI closes with 1008 \"Publisher Model … was not found\", use gemini-live-2.5-flash-native-audio on Vertex AI or connect to the Gemini API."))
        case (.geminiAPI, .vertexAI):
            issues.append(
                PreflightIssue(
                    rule: "gemini-only-model", field: "setup.model",
                    problem: "\(id) is served by the Gemini API only; Vertex AI answers 1008 \"Publisher Model … was not found\".",
                    fix: "Use gemini-live-2.5-flash-native-audio on Vertex AI, or connect to the Gemini API."))
        case (_, .vertexAI(_, let location)) where !model.vertexRegions.isEmpty && !model.vertexRegions.contains(location):
            issues.append(
                PreflightIssue(
                    rule: "vertex-region", field: "endpoint.location",
                    problem: "\(id) is served only in \(model.vertexRegions.joined(separator: ", ")), not in \(location).",
                    fix: "Connect to one of those locations."))
        default:
            break
        }
        return issues
    }

    static func modalityIssues(_ setup: Setup) -> [PreflightIssue] {
        guard let modalities = setup.generationConfig?.responseModalities else { return [] }
        var issues: [PreflightIssue] = []
        if modalities.count > 1 {
            issues.append(
                PreflightIssue(
                    rule: "one-modality", field: "setup.generationConfig.responseModalities",
                    problem: "Asking for \(modalities.map(\.rawValue).joined(separator: " and ")) at once does not work.",
                    fix: "Ask for [\"AUDIO\"] and turn on outputAudioTranscription for the text."))
        }
        if modalities.contains(.text), let model = LiveModel.named(setup.modelID), model.audioOnly {
            issues.append(
                PreflightIssue(
                    rule: "text-on-audio-model", field: "setup.generationConfig.responseModalities",
                    problem: "\(model.id) speaks only; TEXT output is refused (1007 \"Cannot extract voices from a non-audio request.\" or 1011).",
                    fix: "Ask for [\"AUDIO\"] and set outputAudioTranscription: {} to get the words as text."))
        }
        return issues
    }

    static func featureIssues(_ setup: Setup, endpoint: LiveEndpoint) -> [PreflightIssue] {
        guard let model = LiveModel.named(setup.modelID) else { return [] }
        var issues: [PreflightIssue] = []
        let generation = setup.generationConfig
        if generation?.enableAffectiveDialog == true {
            if !model.affectiveDialog {
                issues.append(
                    PreflightIssue(
                        rule: "affective-dialog", field: "setup.generationConfig.enableAffectiveDialog",
                        problem: "\(model.id) does not support affective dialog.", fix: "Remove enableAffectiveDialog."))
            } else if model.previewFeaturesNeedV1Alpha, endpoint.isGeminiAPI, endpoint.apiVersion != "v1alpha" {
                issues.append(
                    PreflightIssue(
                        rule: "affective-dialog-version", field: "setup.generationConfig.enableAffectiveDialog",
                        problem: "Affective dialog is a v1alpha feature on the Gemini API; this endpoint uses \(endpoint.apiVersion).",
                        fix: "Connect with API version v1alpha, or remove enableAffectiveDialog."))
            }
        }
        if let proactive = setup.proactivity?.proactiveAudio {
            if model.proactiveAudioAlwaysOn && !proactive {
                issues.append(
                    PreflightIssue(
                        rule: "proactive-audio-always-on", field: "setup.proactivity.proactiveAudio",
                        problem: "\(model.id) always uses proactive audio; proactiveAudio: false is an error.",
                        fix: "Remove setup.proactivity."))
            } else if proactive && !model.proactiveAudio {
                issues.append(
                    PreflightIssue(
                        rule: "proactive-audio", field: "setup.proactivity.proactiveAudio",
                        problem: "\(model.id) does not support proactive audio.", fix: "Remove setup.proactivity."))
            } else if proactive, model.previewFeaturesNeedV1Alpha, endpoint.isGeminiAPI, endpoint.apiVersion != "v1alpha" {
                issues.append(
                    PreflightIssue(
                        rule: "proactive-audio-version", field: "setup.proactivity.proactiveAudio",
                        problem: "Proactive audio is a v1alpha feature on the Gemini API; this endpoint uses \(endpoint.apiVersion).",
                        fix: "Connect with API version v1alpha, or remove setup.proactivity."))
            }
        }
        if let generation {
            let mirror = [
                ("temperature", generation.temperature.map { $0 < 0 || $0 > 2 } ?? false),
                ("topP", generation.topP.map { $0 < 0 || $0 > 1 } ?? false),
            ]
            for (name, outOfRange) in mirror where outOfRange {
                issues.append(
                    PreflightIssue(
                        rule: "out-of-range", field: "setup.generationConfig.\(name)",
                        problem: "\(name) is out of range.", fix: "Use 0…2 for temperature and 0…1 for topP."))
            }
        }
        if let detection = setup.realtimeInputConfig?.automaticActivityDetection {
            if let silence = detection.silenceDurationMs, silence < 0 {
                issues.append(
                    PreflightIssue(
                        rule: "out-of-range", field: "setup.realtimeInputConfig.automaticActivityDetection.silenceDurationMs",
                        problem: "silenceDurationMs must not be negative.", fix: "Use a duration in milliseconds, e.g. 500."))
            }
            if let padding = detection.prefixPaddingMs, padding < 0 {
                issues.append(
                    PreflightIssue(
                        rule: "out-of-range", field: "setup.realtimeInputConfig.automaticActivityDetection.prefixPaddingMs",
                        problem: "prefixPaddingMs must not be negative.", fix: "Use a duration in milliseconds, e.g. 20."))
            }
        }
        for tool in setup.tools ?? [] {
            for declaration in tool.functionDeclarations ?? [] where !isValidFunctionName(declaration.name) {
                issues.append(
                    PreflightIssue(
                        rule: "function-name", field: "setup.tools.functionDeclarations.name",
                        problem: "\"\(declaration.name)\" is not a valid function name.",
                        fix: "Use letters, digits, underscores, dots or dashes, starting with a letter or underscore, at most 64 characters."))
            }
        }
        return issues
    }

    static func isValidFunctionName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64 else { return false }
        guard first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
        }
    }
}
