import Foundation
import Testing

@testable import LiveProtocol

/// Every client message kind and field survives encode → decode, and is encoded canonically.
@Suite struct ClientMessageRoundTripTests {
    /// A setup with every field of the protocol reference's `setup` table.
    static let fullSetup = Setup(
        model: "models/gemini-2.5-flash-native-audio-preview-12-2025",
        generationConfig: {
            var config = GenerationConfig(
                responseModalities: [.audio], speechConfig: SpeechConfig(voiceName: "Kore", languageCode: "en-US"),
                temperature: 0.7, topP: 0.95, topK: 40, maxOutputTokens: 1024, mediaResolution: .medium,
                thinkingConfig: ThinkingConfig(thinkingBudget: 512, includeThoughts: true),
                enableAffectiveDialog: true)
            config.candidateCount = 1
            config.presencePenalty = 0.5
            config.frequencyPenalty = -0.25
            config.seed = 42
            return config
        }(),
        systemInstruction: Content(role: "user", parts: [Part(text: "You are a helpful assistant.")]),
        tools: [
            Tool(functionDeclarations: [
                FunctionDeclaration(
                    name: "get_weather", description: "Weather for a city",
                    parameters: [
                        "type": "OBJECT",
                        "properties": ["city_name": ["type": "STRING"], "days_ahead": ["type": "INTEGER"]],
                        "required": ["city_name"],
                    ],
                    behavior: .nonBlocking),
                FunctionDeclaration(
                    name: "set_alarm",
                    parametersJsonSchema: ["type": "object", "properties": ["at_time": ["type": "string"]]],
                    behavior: .blocking),
            ]),
            Tool(googleSearch: [:]),
            Tool(codeExecution: [:]),
            Tool(urlContext: [:]),
        ],
        realtimeInputConfig: RealtimeInputConfig(
            automaticActivityDetection: AutomaticActivityDetection(
                disabled: false, startOfSpeechSensitivity: .low, endOfSpeechSensitivity: .high, prefixPaddingMs: 20,
                silenceDurationMs: 100),
            activityHandling: .noInterruption, turnCoverage: .allInput),
        sessionResumption: SessionResumptionConfig(handle: "handle-123", transparent: true),
        contextWindowCompression: ContextWindowCompression(
            triggerTokens: 25_600, slidingWindow: SlidingWindow(targetTokens: 12_800)),
        inputAudioTranscription: AudioTranscriptionConfig(languageCodes: ["en-US", "de-DE"]),
        outputAudioTranscription: AudioTranscriptionConfig(),
        proactivity: Proactivity(proactiveAudio: true),
        explicitVadSignal: true,
        historyConfig: HistoryConfig(initialHistoryInClientContent: true))

    @Test func setupWithEveryFieldRoundTrips() throws {
        let json = try roundTrip(.setup(Self.fullSetup))
        let setup = try #require(value(json, "setup")?.objectValue)
        #expect(
            Set(setup.keys) == [
                "model", "generationConfig", "systemInstruction", "tools", "realtimeInputConfig", "sessionResumption",
                "contextWindowCompression", "inputAudioTranscription", "outputAudioTranscription", "proactivity",
                "explicitVadSignal", "historyConfig",
            ])
        #expect(value(json, "setup", "model") == "models/gemini-2.5-flash-native-audio-preview-12-2025")
        #expect(value(json, "setup", "generationConfig", "responseModalities") == ["AUDIO"])
        #expect(
            value(json, "setup", "generationConfig", "speechConfig")
                == ["voiceConfig": ["prebuiltVoiceConfig": ["voiceName": "Kore"]], "languageCode": "en-US"])
        #expect(value(json, "setup", "generationConfig", "mediaResolution") == "MEDIA_RESOLUTION_MEDIUM")
        #expect(value(json, "setup", "generationConfig", "thinkingConfig", "thinkingBudget") == 512)
        #expect(value(json, "setup", "generationConfig", "enableAffectiveDialog") == true)
        #expect(value(json, "setup", "generationConfig", "seed") == 42)
        #expect(value(json, "setup", "generationConfig", "frequencyPenalty") == -0.25)
        #expect(value(json, "setup", "systemInstruction") == ["parts": [["text": "You are a helpful assistant."]], "role": "user"])
        #expect(value(json, "setup", "tools", 0, "functionDeclarations", 0, "behavior") == "NON_BLOCKING")
        #expect(value(json, "setup", "tools", 0, "functionDeclarations", 1, "behavior") == "BLOCKING")
        #expect(value(json, "setup", "tools", 1) == ["googleSearch": [:]])
        #expect(value(json, "setup", "tools", 2) == ["codeExecution": [:]])
        #expect(value(json, "setup", "tools", 3) == ["urlContext": [:]])
        #expect(
            value(json, "setup", "realtimeInputConfig")
                == [
                    "automaticActivityDetection": [
                        "disabled": false, "startOfSpeechSensitivity": "START_SENSITIVITY_LOW",
                        "endOfSpeechSensitivity": "END_SENSITIVITY_HIGH", "prefixPaddingMs": 20,
                        "silenceDurationMs": 100,
                    ],
                    "activityHandling": "NO_INTERRUPTION", "turnCoverage": "TURN_INCLUDES_ALL_INPUT",
                ])
        #expect(value(json, "setup", "sessionResumption") == ["handle": "handle-123", "transparent": true])
        #expect(value(json, "setup", "inputAudioTranscription") == ["languageCodes": ["en-US", "de-DE"]])
        #expect(value(json, "setup", "outputAudioTranscription") == [:])
        #expect(value(json, "setup", "proactivity") == ["proactiveAudio": true])
        #expect(value(json, "setup", "explicitVadSignal") == true)
        #expect(value(json, "setup", "historyConfig") == ["initialHistoryInClientContent": true])
    }

    @Test func callerOwnedSchemaKeysAreSentVerbatim() throws {
        let json = try roundTrip(.setup(Self.fullSetup))
        let declaration = try #require(value(json, "setup", "tools", 0, "functionDeclarations", 0))
        #expect(value(declaration, "parameters", "properties", "city_name", "type") == "STRING")
        #expect(value(declaration, "parameters", "required") == ["city_name"])
        #expect(value(json, "setup", "tools", 0, "functionDeclarations", 1, "parametersJsonSchema", "properties", "at_time") == ["type": "string"])
    }

    @Test func int64FieldsAreSentAsNumbers() throws {
        let json = try roundTrip(.setup(Self.fullSetup))
        // Clients may send int64 as JSON numbers; the service sends them as strings.
        #expect(value(json, "setup", "contextWindowCompression", "triggerTokens") == .number(25_600))
        #expect(value(json, "setup", "contextWindowCompression", "slidingWindow", "targetTokens") == .number(12_800))
    }

    @Test func minimalSetupSendsOnlyTheModel() throws {
        let json = try roundTrip(.setup(Setup(model: "models/gemini-3.8-live")))
        #expect(json == ["setup": ["model": "models/gemini-3.8-live"]])
    }

    @Test func emptyResumptionConfigMeansEnable() throws {
        let json = try roundTrip(.setup(Setup(model: "models/m", sessionResumption: SessionResumptionConfig())))
        #expect(value(json, "setup", "sessionResumption") == [:])
    }

    @Test func clientContentRoundTrips() throws {
        let content = ClientContent(
            turns: [
                .text("What is the weather?", role: "user"),
                Content(role: "model", parts: [Part(text: "Let me check.")]),
                Content(
                    role: "model",
                    parts: [Part(functionCall: FunctionCall(id: "call-1", name: "get_weather", args: ["city_name": "Paris"]))]),
                Content(
                    role: "user",
                    parts: [
                        Part(
                            functionResponse: FunctionResponse(
                                id: "call-1", name: "get_weather", response: ["temp_c": 20, "sky_state": "clear"]))
                    ]),
                Content(role: "user", parts: [Part(inlineData: Blob(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF])))]),
            ],
            turnComplete: false)
        let json = try roundTrip(.clientContent(content))
        #expect(value(json, "clientContent", "turnComplete") == false)
        #expect(value(json, "clientContent", "turns", 0) == ["role": "user", "parts": [["text": "What is the weather?"]]])
        #expect(value(json, "clientContent", "turns", 2, "parts", 0, "functionCall", "args", "city_name") == "Paris")
        #expect(value(json, "clientContent", "turns", 3, "parts", 0, "functionResponse", "response", "temp_c") == 20)
        #expect(value(json, "clientContent", "turns", 4, "parts", 0, "inlineData") == ["mimeType": "image/jpeg", "data": "/9j/"])
    }

    @Test func userTextIsACompleteTurn() throws {
        let json = try roundTrip(.clientContent(.userText("Hi")))
        #expect(json == ["clientContent": ["turns": [["role": "user", "parts": [["text": "Hi"]]]], "turnComplete": true]])
    }

    @Test(arguments: [
        (RealtimeInput.audio(.pcm(sampleBytes(640), sampleRate: 16_000)), "audio"),
        (RealtimeInput(video: Blob(mimeType: "image/jpeg", data: sampleBytes(300, start: 200))), "video"),
        (RealtimeInput(text: "hello \"there\" / \\ ünïcödé"), "text"),
        (RealtimeInput(activityStart: EmptyObject()), "activityStart"),
        (RealtimeInput(activityEnd: EmptyObject()), "activityEnd"),
        (RealtimeInput(audioStreamEnd: true), "audioStreamEnd"),
        (RealtimeInput(mediaChunks: [.pcm(Data([0, 1]), sampleRate: 16_000)]), "mediaChunks"),
    ])
    func realtimeInputRoundTrips(input: RealtimeInput, field: String) throws {
        let json = try roundTrip(.realtimeInput(input))
        let body = try #require(value(json, "realtimeInput")?.objectValue)
        #expect(Array(body.keys) == [field])
    }

    @Test func realtimeInputShapes() throws {
        #expect(try roundTrip(.realtimeInput(RealtimeInput(activityStart: EmptyObject()))) == ["realtimeInput": ["activityStart": [:]]])
        #expect(try roundTrip(.realtimeInput(RealtimeInput(activityEnd: EmptyObject()))) == ["realtimeInput": ["activityEnd": [:]]])
        #expect(try roundTrip(.realtimeInput(RealtimeInput(audioStreamEnd: true))) == ["realtimeInput": ["audioStreamEnd": true]])
        #expect(try roundTrip(.realtimeInput(RealtimeInput(text: "hi"))) == ["realtimeInput": ["text": "hi"]])
        let video = try roundTrip(.realtimeInput(RealtimeInput(video: Blob(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF])))))
        #expect(video == ["realtimeInput": ["video": ["mimeType": "image/jpeg", "data": "/9j/"]]])
    }

    @Test func audioChunkUsesStandardBase64() throws {
        // 0xFB 0xFF 0xBF encodes to "+/+/" in the standard alphabet and "-_-_" in the URL-safe one.
        let pcm = Data([0xFB, 0xFF, 0xBF, 0xFB, 0xFF, 0xBF])
        let json = try roundTrip(.realtimeInput(.audio(.pcm(pcm, sampleRate: 16_000))))
        #expect(value(json, "realtimeInput", "audio") == ["mimeType": "audio/pcm;rate=16000", "data": "+/+/+/+/"])
    }

    @Test func toolResponseRoundTrips() throws {
        let response = ToolResponse(functionResponses: [
            FunctionResponse(
                id: "call-1", name: "get_weather",
                response: ["temp_c": 20.5, "is_raining": false, "hourly_temps": [18, 19.5, nil], "unit_name": "celsius"],
                willContinue: true, scheduling: .whenIdle),
            FunctionResponse(id: "call-2", name: "noop", response: [:], scheduling: .silent),
            FunctionResponse(id: "call-3", name: "ping", response: ["ok": true], scheduling: .interrupt),
        ])
        let json = try roundTrip(.toolResponse(response))
        #expect(value(json, "toolResponse", "functionResponses", 0, "willContinue") == true)
        #expect(value(json, "toolResponse", "functionResponses", 0, "scheduling") == "WHEN_IDLE")
        #expect(value(json, "toolResponse", "functionResponses", 0, "response", "is_raining") == false)
        #expect(value(json, "toolResponse", "functionResponses", 0, "response", "hourly_temps") == [18, 19.5, nil])
        #expect(value(json, "toolResponse", "functionResponses", 2, "scheduling") == "INTERRUPT")
    }

    @Test func contextUpdateRoundTrips() throws {
        let update = ContextUpdate(
            systemInstruction: .text("New persona"),
            tools: [Tool(functionDeclarations: [FunctionDeclaration(name: "lookup", description: "Look up")])])
        let json = try roundTrip(.contextUpdate(update))
        #expect(value(json, "contextUpdate", "systemInstruction") == ["role": "user", "parts": [["text": "New persona"]]])
        #expect(value(json, "contextUpdate", "tools", "tools", 0, "functionDeclarations", 0, "name") == "lookup")
        // The SDK's `tools=[]` form.
        #expect(try roundTrip(.contextUpdate(ContextUpdate(tools: []))) == ["contextUpdate": ["tools": ["tools": []]]])
    }

    @Test func messageKeysMatchTheEnvelope() {
        let messages: [ClientMessage] = [
            .setup(Setup(model: "models/m")), .clientContent(.userText("x")), .realtimeInput(RealtimeInput(text: "x")),
            .toolResponse(ToolResponse(functionResponses: [])), .contextUpdate(ContextUpdate()),
        ]
        #expect(messages.map(\.key) == ClientMessage.keys)
    }

    // MARK: The audio fast path

    static let mimeTypes = [
        "audio/pcm;rate=16000", "audio/pcm", "audio/pcm; rate=8000", "", "audio/x-\"quoted\"", "back\\slash",
        "tab\there", "new\nline", "control\u{01}\u{1F}", "ünïcödé/ñ", "emoji 🎤", "slash/and\"quote", "\u{7F}del",
    ]

    @Test(arguments: mimeTypes)
    func fastAudioPathMatchesCodable(mimeType: String) throws {
        for size in [0, 1, 2, 3, 640, 3200] {
            let message = ClientMessage.realtimeInput(.audio(Blob(mimeType: mimeType, data: sampleBytes(size, start: size))))
            let fast = try message.encoded()
            let codable = try LiveJSON.makeEncoder().encode(message)
            #expect(try parse(fast) == parse(codable), "mimeType \(mimeType.debugDescription), \(size) bytes")
            #expect(try ClientMessage.decode(fast) == message)
            try expectCanonical(fast, topLevelKey: "realtimeInput")
        }
    }

    @Test func fastAudioPathIsByteIdenticalForTheUsualMimeType() throws {
        let message = ClientMessage.realtimeInput(.audio(.pcm(sampleBytes(640), sampleRate: 16_000)))
        let fast = try message.encoded()
        #expect(fast == ClientMessage.encodeAudioChunk(.pcm(sampleBytes(640), sampleRate: 16_000)))
        let text = String(decoding: fast, as: UTF8.self)
        #expect(text.hasPrefix(#"{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":""#))
        #expect(text.hasSuffix(#""}}}"#))
        #expect(text.contains(sampleBytes(640).base64EncodedString()))
    }

    @Test func realtimeInputWithMoreThanAudioIsNotTruncatedByTheFastPath() throws {
        // Not a valid message for the service (one field per message), but it must not lose data.
        let input = RealtimeInput(audio: .pcm(Data([1, 2]), sampleRate: 16_000), text: "also text")
        let data = try ClientMessage.realtimeInput(input).encoded()
        let json = try parse(data)
        #expect(value(json, "realtimeInput", "text") == "also text")
        #expect(value(json, "realtimeInput", "audio", "data") == "AQI=")
    }
}
