import Foundation
import Testing

@testable import LiveProtocol

/// Issue 10 in the protocol layer: interaction status, the SDK's newest field set both ways, and
/// the per-model preflight rules (docs/protocol-notes.md has each rule's source).
@Suite struct NewestModelsProtocolTests {
    static let gemini = LiveEndpoint(credential: .apiKey(Secret("k")))
    static let vertex = LiveEndpoint(service: .vertexAI(project: "p", location: "us-central1"), credential: .bearer(Secret("t")))

    static func rules(_ report: PreflightReport) -> [String] { report.issues.map(\.rule) }

    static func setup(_ configuration: SessionConfiguration) -> Setup { configuration.setup(for: gemini) }

    // MARK: Interaction status

    @Test(arguments: [
        (#"{"serverContent": {"turnComplete": true, "interactionStatus": "IN_PROGRESS"}}"#, false),
        (#"{"serverContent": {"turnComplete": true, "interactionStatus": "IDLE"}}"#, true),
        (#"{"serverContent": {"turnComplete": true, "interaction_status": "REQUIRES_ACTION"}}"#, true),
        (#"{"serverContent": {"turnComplete": true, "interactionStatus": "INTERACTION_STATUS_UNSPECIFIED"}}"#, true),
        (#"{"serverContent": {"turnComplete": true}}"#, true),
        (#"{"serverContent": {"generationComplete": true}}"#, false),
        (#"{"serverContent": {"interactionStatus": "IDLE"}}"#, true),
    ])
    func requestCompletion(frame: String, completes: Bool) throws {
        let content = try #require(try ServerMessage.decode(Data(frame.utf8)).serverContent)
        #expect(content.completesRequest == completes)
    }

    @Test func utteranceVersusRequest() {
        let filler = ServerContent(turnComplete: true, interactionStatus: .inProgress)
        #expect(filler.completesUtterance && !filler.completesRequest)
        #expect(InteractionStatus.requiresAction.isIdle && InteractionStatus.idle.isIdle && !InteractionStatus.inProgress.isIdle)
    }

    // MARK: Server fields

    @Test func newServerFieldsDecode() throws {
        let content = #"""
            {"serverContent": {
               "inputTranscription": {"text": "hallo", "languageCode": "de-DE", "speakerLabel": "spk_1", "finished": true,
                 "words": [{"word": "hallo", "startOffset": "0.120s", "endOffset": "0.480s"}], "startOffset": "0s", "endOffset": "0.5s"},
               "interimInputTranscription": {"text": "hal"},
               "modelTurn": {"parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "AAA="},
                                        "audioTranscription": {"text": "hi there"}, "partMetadata": {"k": "v"}}]}},
             "usageMetadata": {"totalTokenCount": "12", "trafficType": "ON_DEMAND", "serviceTier": "STANDARD"}}
            """#
        let message = try ServerMessage.decode(Data(content.utf8))
        let input = try #require(message.serverContent?.inputTranscription)
        #expect(input.languageCode == "de-DE")
        #expect(input.speakerLabel == "spk_1")
        #expect(input.words == [TranscribedWord(word: "hallo", startOffset: "0.120s", endOffset: "0.480s")])
        #expect(input.endOffset.flatMap(ProtoDuration.init(text:))?.seconds == 0.5)
        #expect(message.serverContent?.interimInputTranscription?.text == "hal")
        #expect(message.serverContent?.modelTurn?.parts.first?.audioTranscription?.text == "hi there")
        #expect(message.usageMetadata?.trafficType == "ON_DEMAND")
        #expect(message.usageMetadata?.serviceTier == "STANDARD")
        #expect(message.unrecognizedFields == nil)

        let signals = try ServerMessage.decode(
            Data(#"{"voiceActivityDetectionSignal": {"vadSignalType": "VAD_SIGNAL_TYPE_SOS"}}"#.utf8))
        #expect(signals.voiceActivityDetectionSignal?.vadSignalType == .startOfSpeech)
        let activity = try ServerMessage.decode(
            Data(#"{"voiceActivity": {"voiceActivityType": "ACTIVITY_END", "audioOffset": "3.250s"}}"#.utf8))
        #expect(activity.voiceActivity?.audioOffset == "3.250s")
        let complete = try ServerMessage.decode(
            Data(#"{"setupComplete": {"sessionId": "s", "voiceConsentSignature": {"signature": "sig"}}}"#.utf8))
        #expect(complete.setupComplete?.voiceConsentSignature?.signature == "sig")
        let streamed = try ServerMessage.decode(
            Data(#"{"toolCall": {"functionCalls": [{"id": "c1", "partialArgs": [{"jsonPath": "$.city", "stringValue": "Os", "willContinue": true}], "willContinue": true}]}}"#.utf8))
        let call = try #require(streamed.toolCall?.functionCalls.first)
        #expect(call.name == "" && call.willContinue == true)
        #expect(call.partialArgs == [PartialArgument(jsonPath: "$.city", stringValue: "Os", willContinue: true)])
    }

    @Test func newServerFieldsRoundTrip() throws {
        let message = ServerMessage(
            serverContent: ServerContent(turnComplete: true, interactionStatus: .idle),
            voiceActivityDetectionSignal: VoiceActivityDetectionSignal(vadSignalType: .endOfSpeech))
        let text = String(decoding: try message.encodedLikeService(), as: UTF8.self)
        #expect(text.contains(#""interactionStatus" : "IDLE""#))
        #expect(try ServerMessage.decode(Data(text.utf8)) == message)
    }

    // MARK: Client fields the service accepts

    @Test func sdkSetupFieldsPassTheSchema() throws {
        let setup = #"""
            {"setup": {"model": "models/gemini-2.5-flash-native-audio-preview-12-2025",
              "generationConfig": {"responseModalities": ["AUDIO"], "speechConfig": {"voiceConfig": {"voice": "voices/abc"}},
                "responseFormat": {}, "enableEnhancedCivicAnswers": true, "modelSelectionConfig": {}, "audioTranscriptionConfig": {}},
              "inputAudioTranscription": {"languageCodes": ["de"], "customVocabulary": ["Gemini"], "wordTimestamp": true,
                "diarization": true, "mode": "VERBATIM", "sourceText": "draft"},
              "tools": [{"mcpServers": [{"name": "m"}]}, {"googleSearch": {}}],
              "proactivity": {"proactiveAudio": false, "proactiveVideo": true},
              "realtimeInputConfig": {"interimTranscriptTimestampEnabled": true},
              "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
              "labels": {"team": "voice"},
              "systemInstruction": {"parts": [{"text": "hi", "partMetadata": {"a": 1}, "mediaResolution": {}, "toolCall": {},
                "toolResponse": {}, "audioTranscription": {}, "mediaProcessing": {}, "speechMetadata": {},
                "documentMetadata": {}, "spreadsheetMetadata": {}, "audioMetadata": {}}]}}}
            """#
        #expect(MessageSchema.clientMessage.firstViolation(in: try JSONValue(parsing: setup), path: "") == nil)
        let message = try ClientMessage.decode(Data(setup.utf8))
        guard case .setup(let decoded) = message else {
            Issue.record("not a setup")
            return
        }
        #expect(decoded.generationConfig?.speechConfig?.voiceConfig?.voice == "voices/abc")
        #expect(decoded.inputAudioTranscription?.sourceText == "draft")
        #expect(decoded.inputAudioTranscription?.diarization == true)
        #expect(decoded.proactivity?.proactiveVideo == true)
        #expect(decoded.realtimeInputConfig?.interimTranscriptTimestampEnabled == true)
        #expect(decoded.labels == ["team": "voice"])
        #expect(decoded.tools?.first?.builtInNames == ["mcpServers"])
        #expect(Preflight.check(rawFirstFrame: setup, endpoint: Self.gemini).errors == [])
    }

    @Test func vertexOnlyToolsPassTheSchemaAndAreRefusedOnTheGeminiAPI() {
        for tool in ["retrieval", "enterpriseWebSearch", "parallelAiSearch", "exaAiSearch"] {
            let frame = #"{"setup": {"model": "models/gemini-2.5-flash-native-audio-preview-12-2025", "generationConfig": {"responseModalities": ["AUDIO"]}, "tools": [{"\#(tool)": {}}]}}"#
            #expect(Self.rules(Preflight.check(rawFirstFrame: frame, endpoint: Self.gemini)) == ["vertex-only-tool"])
        }
    }

    @Test func multiSpeakerVoiceIsRefused() {
        let frame = #"{"setup": {"model": "models/gemini-3.8-live", "generationConfig": {"speechConfig": {"multiSpeakerVoiceConfig": {}}}}}"#
        let report = Preflight.check(rawFirstFrame: frame, endpoint: Self.gemini)
        #expect(Self.rules(report) == ["multi-speaker-voice"])
        #expect(report.issues.first?.fix.contains("one voice") == true)
    }

    @Test func replicatedVoiceRoundTripsAsBase64() throws {
        let voice = ReplicatedVoiceConfig(voiceSampleAudio: Data([1, 2, 3]), consentAudio: Data([4]))
        var configuration = SessionConfiguration()
        configuration.replicatedVoice = voice
        let setup = Self.setup(configuration)
        let text = String(decoding: try ClientMessage.setup(setup).encoded(), as: UTF8.self)
        #expect(text.contains(#""voiceSampleAudio":"AQID""#))
        #expect(text.contains(#""mimeType":"audio\/wav""#) || text.contains(#""mimeType":"audio/wav""#))
        guard case .setup(let back) = try ClientMessage.decode(Data(text.utf8)) else {
            Issue.record("not a setup")
            return
        }
        #expect(back.generationConfig?.speechConfig?.voiceConfig?.replicatedVoiceConfig == voice)
        #expect(Preflight.check(setup, endpoint: Self.gemini).errors == [])
        #expect(Self.rules(Preflight.check(Self.setup(configuration), endpoint: Self.vertex)).contains("replicated-voice-consent"))
        configuration.voice = "Kore"
        #expect(Self.rules(Preflight.check(Self.setup(configuration), endpoint: Self.gemini)).contains("voice-one-of"))
    }

    // MARK: Thinking

    @Test func extendedThinkingGetsLowByDefault() {
        let setup = Self.setup(SessionConfiguration(model: "gemini-3.8-live-extended-thinking"))
        #expect(setup.generationConfig?.thinkingConfig?.thinkingLevel == .low)
        #expect(Preflight.check(setup, endpoint: Self.gemini).issues == [])
    }

    @Test(arguments: [ThinkingLevel.minimal, .xhigh])
    func extendedThinkingRefusesLevels(level: ThinkingLevel) {
        let setup = Self.setup(
            SessionConfiguration(model: "gemini-3.8-live-extended-thinking", thinking: ThinkingConfig(thinkingLevel: level)))
        let report = Preflight.check(setup, endpoint: Self.gemini)
        #expect(Self.rules(report) == ["thinking-level-refused"])
        #expect(report.issues.first?.problem.contains("1007") == true)
        #expect(report.issues.first?.fix.contains("LOW, MEDIUM or HIGH") == true)
    }

    @Test func rawExtendedThinkingWithoutALevelIsExplained() {
        let frame = #"{"setup": {"model": "models/gemini-3.8-live-extended-thinking", "generationConfig": {"responseModalities": ["AUDIO"]}}}"#
        let report = Preflight.check(rawFirstFrame: frame, endpoint: Self.gemini)
        #expect(Self.rules(report) == ["thinking-level-required"])
        #expect(report.issues.first?.fix.contains(#""thinkingLevel": "LOW""#) == true)
    }

    @Test func thinkingByFamily() {
        let level = ThinkingConfig(thinkingLevel: .xhigh)
        let budget = ThinkingConfig(thinkingBudget: 512)
        #expect(Preflight.check(Self.setup(SessionConfiguration(model: "gemini-3.1-flash-live-preview", thinking: level)), endpoint: Self.gemini).errors == [])
        #expect(Self.rules(Preflight.check(Self.setup(SessionConfiguration(model: "gemini-3.1-flash-live-preview", thinking: budget)), endpoint: Self.gemini)).contains("thinking-budget"))
        #expect(Self.rules(Preflight.check(Self.setup(SessionConfiguration(model: "gemini-2.5-flash-native-audio-preview-12-2025", thinking: level)), endpoint: Self.gemini)) == ["thinking-level"])
        #expect(Preflight.check(Self.setup(SessionConfiguration(model: "gemini-2.5-flash-native-audio-preview-12-2025", thinking: budget)), endpoint: Self.gemini).issues == [])
        #expect(Self.rules(Preflight.check(Self.setup(SessionConfiguration(thinking: level)), endpoint: Self.gemini)) == ["thinking-unsupported"])
    }

    // MARK: Translation

    static func translating(_ target: String?, tools: [FunctionDeclaration] = [], instruction: String? = nil) -> Setup {
        var configuration = SessionConfiguration(model: LiveModel.translateID, systemInstruction: instruction, functions: tools)
        configuration.translation = target.map { TranslationConfig(targetLanguageCode: $0, echoTargetLanguage: true) }
        return Self.setup(configuration)
    }

    @Test func translationRules() {
        #expect(Preflight.check(Self.translating("de"), endpoint: Self.gemini).issues == [])
        #expect(Preflight.check(Self.translating("pt-BR"), endpoint: Self.vertex).issues == [])
        #expect(Self.rules(Preflight.check(Self.translating(nil), endpoint: Self.gemini)) == ["translation-target"])
        #expect(Self.rules(Preflight.check(Self.translating("deutsch!"), endpoint: Self.gemini)) == ["translation-target"])
        let withTools = Preflight.check(Self.translating("de", tools: [FunctionDeclaration(name: "f")]), endpoint: Self.gemini)
        #expect(Self.rules(withTools) == ["translation-tools"])
        #expect(withTools.issues.first?.fix.contains("Remove the tools") == true)
        let instructed = Preflight.check(Self.translating("de", instruction: "be nice"), endpoint: Self.gemini)
        #expect(Self.rules(instructed) == ["translation-system-instruction"])
        var wrongModel = SessionConfiguration()
        wrongModel.translation = TranslationConfig(targetLanguageCode: "de")
        #expect(Self.rules(Preflight.check(Self.setup(wrongModel), endpoint: Self.gemini)) == ["translation-model"])
        let setup = Self.translating("de")
        #expect(Preflight.check(.realtimeInput(RealtimeInput(text: "hi")), in: setup)?.rule == "translation-audio-only")
        #expect(Preflight.check(.clientContent(ClientContent(turns: [.text("hi")], turnComplete: true)), in: setup)?.rule == "translation-audio-only")
        #expect(Preflight.check(.realtimeInput(.audio(.pcm(Data([0, 0]), sampleRate: 16_000))), in: setup) == nil)
    }

    @Test(arguments: [("de", true), ("pt-BR", true), ("zh-Hant-TW", true), ("es-419", true), ("", false), ("d", false), ("de_DE", false), ("deu-", false), ("a1", false), ("german", false)])
    func languageTags(tag: String, valid: Bool) {
        #expect(LanguageTag.isValid(tag) == valid)
    }

    // MARK: Tools

    @Test(arguments: ["codeExecution", "urlContext", "googleMaps", "fileSearch"])
    func builtInToolsThe3xModelsLack(tool: String) {
        for model in ["gemini-3.8-live", "gemini-3.8-live-extended-thinking", "gemini-3.1-flash-live-preview"] {
            let frame = #"{"setup": {"model": "models/\#(model)", "generationConfig": {"responseModalities": ["AUDIO"], "thinkingConfig": {"thinkingLevel": "LOW"}}, "tools": [{"\#(tool)": {}}]}}"#
            let report = Preflight.check(rawFirstFrame: frame, endpoint: Self.gemini)
            #expect(Self.rules(report).contains("builtin-tool-unsupported"), "\(model) \(tool)")
        }
        let search = Self.setup(SessionConfiguration(builtInTools: [Tool(googleSearch: .object([:]))]))
        #expect(Preflight.check(search, endpoint: Self.gemini).issues == [])
        let older = Self.setup(SessionConfiguration(model: "gemini-2.5-flash-native-audio-preview-12-2025", builtInTools: [Tool(codeExecution: .object([:]))]))
        #expect(Preflight.check(older, endpoint: Self.gemini).issues == [])
    }

    @Test func functionBehaviorPerModel() {
        let blocking = FunctionDeclaration(name: "f", behavior: .blocking)
        let et = "gemini-3.8-live-extended-thinking"
        #expect(Self.rules(Preflight.check(Self.setup(SessionConfiguration(model: et, functions: [blocking])), endpoint: Self.gemini)) == ["blocking-on-async-model"])
        let filled = Self.setup(SessionConfiguration(model: et, functions: [FunctionDeclaration(name: "f")]))
        #expect(filled.tools?.first?.functionDeclarations?.first?.behavior == .nonBlocking)
        #expect(Preflight.check(filled, endpoint: Self.gemini).issues == [])
        let raw = #"{"setup": {"model": "models/\#(et)", "generationConfig": {"responseModalities": ["AUDIO"], "thinkingConfig": {"thinkingLevel": "LOW"}}, "tools": [{"functionDeclarations": [{"name": "f", "parametersJsonSchema": {}}]}]}}"#
        let report = Preflight.check(rawFirstFrame: raw, endpoint: Self.gemini)
        #expect(Self.rules(report).sorted() == ["behavior-unset-on-async-model", "json-schema-on-extended-thinking"])
        #expect(report.errors.isEmpty)
        #expect(Preflight.check(Self.setup(SessionConfiguration(functions: [blocking])), endpoint: Self.gemini).issues == [])
        let odd = Self.setup(SessionConfiguration(functions: [FunctionDeclaration(name: "f", behavior: "SOMETIMES")]))
        #expect(Self.rules(Preflight.check(odd, endpoint: Self.gemini)) == ["function-behavior"])
        let vertexAsync = SessionConfiguration(model: "gemini-live-2.5-flash-native-audio", functions: [FunctionDeclaration(name: "f", behavior: .nonBlocking)])
        let onVertex = Preflight.check(vertexAsync.setup(for: Self.vertex), endpoint: Self.vertex)
        #expect(Self.rules(onVertex) == ["non-blocking-on-vertex"])
        #expect(onVertex.errors.isEmpty)
    }

    // MARK: Messages and versions

    @Test func mediaChunksAndClientContentOn31() {
        let live = Self.setup(SessionConfiguration())
        let chunks = Preflight.check(.realtimeInput(RealtimeInput(mediaChunks: [.pcm(Data([0, 0]), sampleRate: 16_000)])), in: live)
        #expect(chunks?.rule == "media-chunks" && chunks?.severity == .error)
        #expect(chunks?.fix.contains("realtimeInput.audio") == true)
        let legacy = Self.setup(SessionConfiguration(model: "gemini-3.1-flash-live-preview"))
        let text = Preflight.check(.clientContent(ClientContent(turns: [.text("hi")], turnComplete: true)), in: legacy)
        #expect(text?.rule == "client-content-3.1" && text?.severity == .warning)
        #expect(text?.fix.contains("realtimeInput.text") == true)
        #expect(Preflight.check(.clientContent(ClientContent(turns: [.text("hi")], turnComplete: true)), in: live) == nil)
    }

    @Test func v1IsRefusedOnTheGeminiHostOnly() {
        let v1 = LiveEndpoint(apiVersion: "v1", credential: .apiKey(Secret("k")))
        let report = Preflight.check(SessionConfiguration(), endpoint: v1)
        #expect(Self.rules(report) == ["api-version"])
        #expect(report.issues.first?.problem.contains("v1beta") == true)
        #expect(report.issues.first?.fix.contains("api_version") == true)
        let custom = LiveEndpoint(baseURL: "ws://127.0.0.1:9", apiVersion: "v1", credential: .none)
        #expect(custom.apiVersionProblem == nil)
        #expect(Preflight.check(SessionConfiguration(), endpoint: custom).issues == [])
        #expect(LiveEndpoint(apiVersion: "v1alpha", credential: .none).apiVersionProblem == nil)
        #expect(LiveEndpoint(service: .vertexAI(project: "p", location: "us-central1"), apiVersion: "v1", credential: .none).apiVersionProblem == nil)
    }

    // MARK: Close explanations

    @Test func newCloseExplanations() {
        let chunks = CloseExplanation.explain(
            code: 1007, reason: "realtime_input.media_chunks is deprecated. Use audio, video, or text instead.")
        #expect(chunks.category == .invalidArgument)
        #expect(chunks.nextStep.contains("realtimeInput.audio"))
        let pending = CloseExplanation.explain(
            code: 1008, reason: "Operation is not implemented, or supported, or enabled.",
            context: .init(duringSetup: false, blockingCallPending: true))
        #expect(pending.summary.contains("BLOCKING function call was pending"))
        #expect(pending.nextStep.contains("NON_BLOCKING"))
        #expect(pending.retryable)
        let setup = CloseExplanation.explain(
            code: 1008, reason: "Operation is not implemented, or supported, or enabled.", context: .init(duringSetup: true))
        #expect(setup.summary.contains("does not support"))
        #expect(!setup.retryable)
    }
}

extension NewestModelsProtocolTests {
    @Test func defaultFunctionBehaviorPerModel() throws {
        let nonBlocking = ["gemini-3.8-live", "gemini-3.8-live-extended-thinking"]
        for model in LiveModel.known {
            #expect(model.defaultFunctionBehavior == (nonBlocking.contains(model.id) ? .nonBlocking : .blocking), "\(model.id)")
        }
        #expect(try ServerMessage.decode(Data(#"{"serverContent": {"interactionStatus": "idle"}}"#.utf8)).serverContent?.interactionStatus == .idle)
    }
}
