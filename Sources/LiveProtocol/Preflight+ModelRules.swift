import Foundation

/// The per-model rules of the newest Live models (docs/protocol-notes.md lists each with its
/// source): thinking, translation, voices, function behaviour and built-in tools.
extension Preflight {
    static func modelFeatureIssues(_ setup: Setup, endpoint: LiveEndpoint) -> [PreflightIssue] {
        guard let model = LiveModel.named(setup.modelID) else { return [] }
        return thinkingIssues(setup, model: model) + translationIssues(setup, model: model)
            + voiceIssues(setup, endpoint: endpoint) + toolIssues(setup, model: model, endpoint: endpoint)
            + transcriptionIssues(setup)
    }

    /// google-genai's `AudioTranscriptionConfig.mode` doc: "Timestamps and diarization are
    /// incompatible with mode SMART" (a warning: the service's answer is not documented).
    static func transcriptionIssues(_ setup: Setup) -> [PreflightIssue] {
        let configs = [
            ("setup.inputAudioTranscription", setup.inputAudioTranscription),
            ("setup.outputAudioTranscription", setup.outputAudioTranscription),
        ]
        return configs.compactMap { field, config in
            guard let config, config.mode?.uppercased() == "SMART", config.wordTimestamp == true || config.diarization == true
            else { return nil }
            return PreflightIssue(
                rule: "smart-transcription", severity: .warning, field: "\(field).mode",
                problem: "SMART transcription is documented as incompatible with word timestamps and diarization.",
                fix: "Use mode VERBATIM (the default) for timestamps or speaker labels, or drop them.")
        }
    }

    static func levelList(_ levels: [ThinkingLevel]) -> String {
        let names = levels.map(\.rawValue)
        guard names.count > 1, let last = names.last else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + last
    }

    /// thinkingConfig by family: 2.5 takes a budget, 3.x a level, gemini-3.8-live none; the
    /// extended-thinking model needs LOW, MEDIUM or HIGH (ProfSynapse/nexus#389: 1007 otherwise,
    /// `minimal` refused; Agora v2.9.0 and promptfoo#10956 allow only those three).
    static func thinkingIssues(_ setup: Setup, model: LiveModel) -> [PreflightIssue] {
        let field = "setup.generationConfig.thinkingConfig"
        let thinking = setup.generationConfig?.thinkingConfig
        var issues: [PreflightIssue] = []
        if let thinking {
            switch model.thinking {
            case .unsupported:
                issues.append(
                    PreflightIssue(
                        rule: "thinking-unsupported", field: field,
                        problem: "\(model.id) takes no thinking configuration (its model page: omit thinkingConfig).",
                        fix: model.id == "gemini-3.8-live"
                            ? "Remove thinkingConfig, or use gemini-3.8-live-extended-thinking." : "Remove thinkingConfig."))
            case .budget where thinking.thinkingLevel != nil:
                issues.append(
                    PreflightIssue(
                        rule: "thinking-level", field: "\(field).thinkingLevel",
                        problem: "\(model.id) takes a thinkingBudget (2.5 models), not a thinkingLevel.",
                        fix: "Use thinkingBudget (tokens; thinking_budget on D-Bus)."))
            case .level where thinking.thinkingBudget != nil:
                issues.append(
                    PreflightIssue(
                        rule: "thinking-budget", field: "\(field).thinkingBudget",
                        problem: "\(model.id) takes a thinkingLevel (3.x models), not a thinkingBudget.",
                        fix: "Use thinkingLevel (\(levelList(model.thinkingLevels)); thinking_level on D-Bus)."))
            case .level:
                if let level = thinking.thinkingLevel, !model.thinkingLevels.contains(level) {
                    let known = ThinkingLevel.all.contains(level)
                    issues.append(
                        PreflightIssue(
                            rule: "thinking-level-refused", field: "\(field).thinkingLevel",
                            problem: model.requiresThinkingLevel
                                ? "\(model.id) accepts only \(levelList(model.thinkingLevels)); the service closes with 1007 on \(level.rawValue) (reported: ProfSynapse/nexus#389)."
                                : known ? "\(model.id) does not take thinking level \(level.rawValue)."
                                    : "\(level.rawValue) is not a thinking level.",
                            fix: "Use \(levelList(model.thinkingLevels))\(model.defaultThinkingLevel.map { " (the gateway's default for this model is \($0.rawValue))" } ?? "")."))
                }
            default:
                break
            }
        }
        if model.requiresThinkingLevel, thinking?.thinkingLevel == nil, thinking?.thinkingBudget == nil {
            issues.append(
                PreflightIssue(
                    rule: "thinking-level-required", field: "\(field).thinkingLevel",
                    problem: "\(model.id) closes the session with 1007 right after setup unless thinkingLevel is \(levelList(model.thinkingLevels)) (reported: ProfSynapse/nexus#389).",
                    fix: "Send \"thinkingConfig\": {\"thinkingLevel\": \"\(model.defaultThinkingLevel?.rawValue ?? "LOW")\"} (the gateway sends \(model.defaultThinkingLevel?.rawValue ?? "LOW") when thinking_level is not given)."))
        }
        return issues
    }

    /// gemini-3.5-live-translate-preview: a target language, audio input only, "no support for
    /// tools or instructions" (ai.google.dev/gemini-api/docs/live-api/live-translate).
    static func translationIssues(_ setup: Setup, model: LiveModel) -> [PreflightIssue] {
        let field = "setup.generationConfig.translationConfig"
        let translation = setup.generationConfig?.translationConfig
        guard model.translates else {
            guard translation != nil else { return [] }
            return [
                PreflightIssue(
                    rule: "translation-model", field: field,
                    problem: "\(model.id) does not translate; translationConfig is for \(LiveModel.translateID).",
                    fix: "Use model \(LiveModel.translateID), or remove translationConfig (translate_to on D-Bus).")
            ]
        }
        var issues: [PreflightIssue] = []
        let target = translation?.targetLanguageCode ?? ""
        if target.isEmpty {
            issues.append(
                PreflightIssue(
                    rule: "translation-target", field: "\(field).targetLanguageCode",
                    problem: "\(model.id) needs a target language; none is set.",
                    fix: "Set translationConfig.targetLanguageCode to a BCP-47 code such as \"de\" (translate_to on D-Bus)."))
        } else if !LanguageTag.isValid(target) {
            issues.append(
                PreflightIssue(
                    rule: "translation-target", field: "\(field).targetLanguageCode",
                    problem: "\"\(target)\" is not a BCP-47 language code.",
                    fix: "Use a code such as \"de\", \"es\", \"pt-BR\" or \"zh-Hant\"."))
        }
        if let tools = setup.tools, !tools.isEmpty {
            issues.append(
                PreflightIssue(
                    rule: "translation-tools", field: "setup.tools",
                    problem: "\(model.id) supports no tools (functions or built-in).",
                    fix: "Remove the tools, or use \(LiveModel.defaultID) for a session with tools."))
        }
        if setup.systemInstruction != nil {
            issues.append(
                PreflightIssue(
                    rule: "translation-system-instruction", field: "setup.systemInstruction",
                    problem: "\(model.id) takes no system instruction: it translates what it hears.",
                    fix: "Remove the system instruction; set the target language with translationConfig instead."))
        }
        return issues
    }

    /// One voice per session; a replicated voice is `audio/wav` with a sample, and its consent
    /// fields are Gemini API only (google-genai `ReplicatedVoiceConfig`).
    static func voiceIssues(_ setup: Setup, endpoint: LiveEndpoint) -> [PreflightIssue] {
        guard let voice = setup.generationConfig?.speechConfig?.voiceConfig else { return [] }
        let field = "setup.generationConfig.speechConfig.voiceConfig"
        var issues: [PreflightIssue] = []
        let chosen = [
            voice.prebuiltVoiceConfig != nil ? "prebuiltVoiceConfig" : nil, voice.voice != nil ? "voice" : nil,
            voice.replicatedVoiceConfig != nil ? "replicatedVoiceConfig" : nil,
        ].compactMap { $0 }
        if chosen.count > 1 {
            issues.append(
                PreflightIssue(
                    rule: "voice-one-of", field: field,
                    problem: "A voice config names one voice; this one sets \(chosen.joined(separator: " and ")).",
                    fix: "Keep one: a prebuilt voice (voice), a custom voice (custom_voice) or a replicated voice (replicated_voice_sample)."))
        }
        if let replicated = voice.replicatedVoiceConfig {
            if (replicated.voiceSampleAudio ?? Data()).isEmpty {
                issues.append(
                    PreflightIssue(
                        rule: "replicated-voice-sample", field: "\(field).replicatedVoiceConfig.voiceSampleAudio",
                        problem: "A replicated voice needs a voice sample.",
                        fix: "Send the sample as 16-bit 24 kHz WAV bytes in voiceSampleAudio."))
            }
            if let mime = replicated.mimeType, mime.lowercased() != "audio/wav" {
                issues.append(
                    PreflightIssue(
                        rule: "replicated-voice-mime", field: "\(field).replicatedVoiceConfig.mimeType",
                        problem: "\(mime) is not supported for a voice sample; audio/wav is the only value.",
                        fix: "Send a 16-bit little-endian 24 kHz WAV file with mimeType audio/wav."))
            }
            if !endpoint.isGeminiAPI, replicated.consentAudio != nil || replicated.voiceConsentSignature != nil {
                issues.append(
                    PreflightIssue(
                        rule: "replicated-voice-consent", field: "\(field).replicatedVoiceConfig",
                        problem: "consentAudio and voiceConsentSignature are Gemini API fields; Vertex AI does not take them.",
                        fix: "Remove them on Vertex AI."))
            }
        }
        return issues
    }

    /// Function behaviour and built-in tools per model: the 3.x model pages (Search yes; code
    /// execution, URL context, Maps, File search no), "Async only" on extended thinking,
    /// aiden-firmware#708 (extended thinking needs NON_BLOCKING and OpenAPI `parameters`),
    /// pipecat's docs (Vertex AI Live has no NON_BLOCKING).
    static func toolIssues(_ setup: Setup, model: LiveModel, endpoint: LiveEndpoint) -> [PreflightIssue] {
        var issues: [PreflightIssue] = []
        for (index, tool) in (setup.tools ?? []).enumerated() {
            for name in tool.builtInNames {
                if endpoint.isGeminiAPI, Tool.vertexOnlyTools.contains(name) {
                    issues.append(
                        PreflightIssue(
                            rule: "vertex-only-tool", field: "setup.tools[\(index)].\(name)",
                            problem: "\(name) is a Vertex AI tool; the Gemini API does not have it.",
                            fix: "Remove it, or connect to Vertex AI."))
                } else if let allowed = model.builtInTools, !allowed.contains(name), !model.translates {
                    issues.append(
                        PreflightIssue(
                            rule: "builtin-tool-unsupported", field: "setup.tools[\(index)].\(name)",
                            problem: "\(model.id) does not support \(name) (its model page lists code execution, URL context, Google Maps and File search as not supported); the service refuses the session.",
                            fix: "Remove \(name); Search grounding (googleSearch) is supported."))
                }
            }
            for declaration in tool.functionDeclarations ?? [] {
                let field = "setup.tools[\(index)].functionDeclarations[\(declaration.name)]"
                if let behavior = declaration.behavior, behavior != .blocking, behavior != .nonBlocking {
                    issues.append(
                        PreflightIssue(
                            rule: "function-behavior", field: "\(field).behavior",
                            problem: "\"\(behavior.rawValue)\" is not a function behavior.",
                            fix: "Use BLOCKING or NON_BLOCKING."))
                    continue
                }
                switch model.functionCalling {
                case .asyncOnly where declaration.behavior == .blocking:
                    issues.append(
                        PreflightIssue(
                            rule: "blocking-on-async-model", field: "\(field).behavior",
                            problem: "\(model.id) supports asynchronous function calls only (its model page: \"Async only\"); a BLOCKING declaration is not called as declared.",
                            fix: "Declare it NON_BLOCKING and answer with a scheduling (SILENT, WHEN_IDLE or INTERRUPT)."))
                case .asyncOnly where declaration.behavior == nil:
                    issues.append(
                        PreflightIssue(
                            rule: "behavior-unset-on-async-model", severity: .warning, field: "\(field).behavior",
                            problem: "\(model.id) calls functions asynchronously only; reports (aiden-firmware#708) say it needs NON_BLOCKING spelled out.",
                            fix: "Set behavior: NON_BLOCKING (the gateway's SessionConfiguration does this for you)."))
                default:
                    break
                }
                if model.functionCalling == .asyncOnly, declaration.parametersJsonSchema != nil {
                    issues.append(
                        PreflightIssue(
                            rule: "json-schema-on-extended-thinking", severity: .warning,
                            field: "\(field).parametersJsonSchema",
                            problem: "With parametersJsonSchema, \(model.id) was reported to plan tool calls as text instead of calling (aiden-firmware#708).",
                            fix: "Declare the parameters as an OpenAPI schema in `parameters` (upper-case types)."))
                }
                if case .vertexAI = endpoint.service, declaration.behavior == .nonBlocking {
                    issues.append(
                        PreflightIssue(
                            rule: "non-blocking-on-vertex", severity: .warning, field: "\(field).behavior",
                            problem: "Vertex AI's Live endpoint was documented without NON_BLOCKING functions (pipecat docs, 2026-05); the call may be made blocking.",
                            fix: "If the model waits for the response anyway, answer promptly, or declare it BLOCKING on Vertex AI."))
                }
            }
        }
        return issues
    }

    /// Rules for one message on a session with `model`: mediaChunks, translation's audio-only
    /// input, and the reported 3.1 refusal of clientContent after the first model turn.
    static func modelMessageIssue(_ message: ClientMessage, model: LiveModel?) -> PreflightIssue? {
        switch message {
        case .realtimeInput(let input):
            if input.mediaChunks != nil {
                return PreflightIssue(
                    rule: "media-chunks", field: "realtimeInput.mediaChunks",
                    problem: "The service closes with 1007 \"realtime_input.media_chunks is deprecated. Use audio, video, or text instead.\" (reported: sokuji#150, adk-python#5075, mastra#18287).",
                    fix: "Send each chunk as realtimeInput.audio (or video) instead.")
            }
            if model?.translates == true, input.text != nil || input.video != nil {
                return PreflightIssue(
                    rule: "translation-audio-only", field: input.text != nil ? "realtimeInput.text" : "realtimeInput.video",
                    problem: "\(LiveModel.translateID) translates audio only.",
                    fix: "Send speech as realtimeInput.audio; use \(LiveModel.defaultID) for text or video.")
            }
        case .clientContent:
            if model?.translates == true {
                return PreflightIssue(
                    rule: "translation-audio-only", field: "clientContent",
                    problem: "\(LiveModel.translateID) translates audio only; it takes no text turns.",
                    fix: "Send speech as realtimeInput.audio; use \(LiveModel.defaultID) for text.")
            }
            if model?.id == "gemini-3.1-flash-live-preview" {
                return PreflightIssue(
                    rule: "client-content-3.1", severity: .warning, field: "clientContent",
                    problem: "The model page allows clientContent all session long, but many reports (livekit/agents#5238, adk-python#5018, strands-agents#1999) say gemini-3.1-flash-live-preview closes with 1007 \"Request contains an invalid argument.\" when it arrives after the first model turn.",
                    fix: "If the service closes this way, send the text as realtimeInput.text, or move to \(LiveModel.defaultID).")
            }
        default:
            break
        }
        return nil
    }
}
