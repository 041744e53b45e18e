import Foundation
import Testing

@testable import LiveProtocol

/// Frames captured from the official python-genai SDK (3.4.0) and its test fixtures, copied
/// literally: mixed camelCase/snake_case keys and URL-safe base64.
@Suite struct CapturedFramesTests {
    /// 320 bytes of PCM in python-genai's URL-safe base64: 428 characters.
    static let audioBytes = sampleBytes(320, start: 240)
    static let audioBase64URLSafe = audioBytes.base64EncodedString()
        .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")

    /// The setup python-genai 3.4.0 sent for a typical audio configuration.
    static let sdkSetup = """
        {"setup": {
          "model": "models/gemini-2.5-flash-native-audio-preview-12-2025",
          "generationConfig": {"responseModalities": ["AUDIO"],
            "speechConfig": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}}},
          "systemInstruction": {"parts": [{"text": "You are a helpful assistant."}], "role": "user"},
          "tools": [{"functionDeclarations": [{"description": "weather", "name": "get_weather",
            "parameters": {"properties": {"city": {"type": "STRING"}}, "type": "OBJECT"}}]}],
          "sessionResumption": {},
          "inputAudioTranscription": {},
          "outputAudioTranscription": {},
          "realtimeInputConfig": {"automatic_activity_detection": {"disabled": false,
              "start_of_speech_sensitivity": "START_SENSITIVITY_LOW", "end_of_speech_sensitivity": "END_SENSITIVITY_LOW",
              "prefix_padding_ms": 20, "silence_duration_ms": 100},
            "activity_handling": "START_OF_ACTIVITY_INTERRUPTS", "turn_coverage": "TURN_INCLUDES_ONLY_ACTIVITY"},
          "contextWindowCompression": {"trigger_tokens": 25600, "sliding_window": {"target_tokens": 12800}}
        }}
        """

    static let noConfigSetup = #"{"setup":{"model":"models/gemini-live-2.5-flash-preview"}}"#
    static let v1alphaSetup =
        #"{"setup":{"model":"models/gemini-2.5-flash-native-audio-preview-12-2025","generationConfig":{"responseModalities":["AUDIO"],"enableAffectiveDialog":true},"proactivity":{"proactive_audio":true}}}"#

    /// The frames the SDK sent after setup (all text frames).
    static var sdkFrames: [String] {
        [
            #"{"realtime_input": {"audio": {"data": "\#(audioBase64URLSafe)", "mime_type": "audio/pcm;rate=16000"}}}"#,
            #"{"realtime_input": {"audioStreamEnd": true}}"#,
            #"{"realtime_input": {"text": "hello"}}"#,
            #"{"realtime_input": {"activityStart": {}}}"#,
            #"{"realtime_input": {"activityEnd": {}}}"#,
            #"{"realtime_input": {"video": {"data": "_9j_", "mime_type": "image/jpeg"}}}"#,
            #"{"client_content": {"turns": [{"parts": [{"text": "Hi"}], "role": "user"}], "turnComplete": true}}"#,
            #"{"tool_response": {"functionResponses": [{"id": "call-1", "name": "get_weather", "response": {"temp": 20}}]}}"#,
            #"{"realtime_input": {"mediaChunks": [{"data": "AAE=", "mime_type": "audio/pcm;rate=16000"}]}}"#,
            #"{"contextUpdate": {"systemInstruction": {"parts": [{"text": "New persona"}], "role": "user"}, "tools": {"tools": []}}}"#,
        ]
    }

    @Test func fixtureIsShapedLikeTheCapture() {
        #expect(Self.audioBase64URLSafe.count == 428)
        #expect(Self.audioBase64URLSafe.contains("-") || Self.audioBase64URLSafe.contains("_"))
    }

    @Test func sdkFramesDecode() throws {
        let decoded = try Self.sdkFrames.map { try ClientMessage.decode(Data($0.utf8)) }
        let expected: [ClientMessage] = [
            .realtimeInput(.audio(Blob(mimeType: "audio/pcm;rate=16000", data: Self.audioBytes))),
            .realtimeInput(RealtimeInput(audioStreamEnd: true)),
            .realtimeInput(RealtimeInput(text: "hello")),
            .realtimeInput(RealtimeInput(activityStart: EmptyObject())),
            .realtimeInput(RealtimeInput(activityEnd: EmptyObject())),
            .realtimeInput(RealtimeInput(video: Blob(mimeType: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF])))),
            .clientContent(ClientContent(turns: [.text("Hi", role: "user")], turnComplete: true)),
            .toolResponse(ToolResponse(functionResponses: [FunctionResponse(id: "call-1", name: "get_weather", response: ["temp": 20])])),
            .realtimeInput(RealtimeInput(mediaChunks: [Blob(mimeType: "audio/pcm;rate=16000", data: Data([0x00, 0x01]))])),
            .contextUpdate(ContextUpdate(systemInstruction: .text("New persona", role: "user"), tools: [])),
        ]
        #expect(decoded.count == expected.count)
        for (got, want) in zip(decoded, expected) {
            #expect(got == want)
        }
    }

    @Test func urlSafeVideoFrameIsJPEGMagic() throws {
        guard case .realtimeInput(let input) = try ClientMessage.decode(Data(Self.sdkFrames[5].utf8)) else {
            Issue.record("not a realtimeInput")
            return
        }
        #expect(input.video?.data == Data([0xFF, 0xD8, 0xFF]))
    }

    @Test func deprecatedMediaChunksCountAsAudio() throws {
        guard case .realtimeInput(let input) = try ClientMessage.decode(Data(Self.sdkFrames[8].utf8)) else {
            Issue.record("not a realtimeInput")
            return
        }
        #expect(input.audio == nil)
        #expect(input.anyAudio == Blob(mimeType: "audio/pcm;rate=16000", data: Data([0, 1])))
    }

    @Test func sdkFramesReencodeCanonically() throws {
        for frame in Self.sdkFrames {
            let message = try ClientMessage.decode(Data(frame.utf8))
            let data = try message.encoded()
            try expectCanonical(data, topLevelKey: message.key)
            #expect(try ClientMessage.decode(data) == message)
        }
    }

    @Test func sdkSetupDecodes() throws {
        guard case .setup(let setup) = try ClientMessage.decode(Data(Self.sdkSetup.utf8)) else {
            Issue.record("not a setup")
            return
        }
        #expect(setup.model == "models/gemini-2.5-flash-native-audio-preview-12-2025")
        #expect(setup.modelID == "gemini-2.5-flash-native-audio-preview-12-2025")
        #expect(setup.generationConfig?.responseModalities == [.audio])
        #expect(setup.generationConfig?.speechConfig?.voiceName == "Kore")
        #expect(setup.systemInstruction == Content(role: "user", parts: [Part(text: "You are a helpful assistant.")]))
        let declaration = try #require(setup.tools?.first?.functionDeclarations?.first)
        #expect(declaration.name == "get_weather")
        #expect(declaration.description == "weather")
        #expect(declaration.parameters == ["properties": ["city": ["type": "STRING"]], "type": "OBJECT"])
        #expect(setup.sessionResumption == SessionResumptionConfig())
        #expect(setup.inputAudioTranscription == AudioTranscriptionConfig())
        #expect(setup.outputAudioTranscription == AudioTranscriptionConfig())
        let realtime = try #require(setup.realtimeInputConfig)
        #expect(
            realtime.automaticActivityDetection
                == AutomaticActivityDetection(
                    disabled: false, startOfSpeechSensitivity: .low, endOfSpeechSensitivity: .low, prefixPaddingMs: 20,
                    silenceDurationMs: 100))
        #expect(realtime.automaticDetectionEnabled)
        #expect(realtime.activityHandling == .startOfActivityInterrupts)
        #expect(realtime.turnCoverage == .onlyActivity)
        #expect(setup.contextWindowCompression == ContextWindowCompression(triggerTokens: 25_600, slidingWindow: SlidingWindow(targetTokens: 12_800)))
        #expect(setup.proactivity == nil)
    }

    @Test func otherCapturedSetupsDecode() throws {
        guard case .setup(let bare) = try ClientMessage.decode(Data(Self.noConfigSetup.utf8)) else {
            Issue.record("not a setup")
            return
        }
        #expect(bare == Setup(model: "models/gemini-live-2.5-flash-preview"))
        guard case .setup(let alpha) = try ClientMessage.decode(Data(Self.v1alphaSetup.utf8)) else {
            Issue.record("not a setup")
            return
        }
        #expect(alpha.generationConfig?.enableAffectiveDialog == true)
        #expect(alpha.proactivity == Proactivity(proactiveAudio: true))
    }

    @Test func sdkSetupReencodesCanonically() throws {
        let message = try ClientMessage.decode(Data(Self.sdkSetup.utf8))
        let data = try message.encoded()
        try expectCanonical(data, topLevelKey: "setup")
        let json = try parse(data)
        #expect(value(json, "setup", "generationConfig", "speechConfig") == ["voiceConfig": ["prebuiltVoiceConfig": ["voiceName": "Kore"]]])
        #expect(value(json, "setup", "realtimeInputConfig", "automaticActivityDetection", "silenceDurationMs") == 100)
        #expect(value(json, "setup", "contextWindowCompression", "slidingWindow", "targetTokens") == 12_800)
    }

    // MARK: Server fixtures from python-genai's tests and logs

    @Test func pythonGenaiSetupCompleteFixtures() throws {
        let withSession = try ServerMessage.decode(Data("{\n  \"setupComplete\": {\"sessionId\": \"test_session_id\"}\n}\n".utf8))
        #expect(withSession == ServerMessage(setupComplete: SetupComplete(sessionId: "test_session_id")))
        let logged = try ServerMessage.decode(Data("{\n  \"setupComplete\": {}\n}\n".utf8))
        #expect(logged == ServerMessage(setupComplete: SetupComplete()))
    }

    @Test func pythonGenaiGoAwayAndResumptionFixtures() throws {
        let goAway = try ServerMessage.decode(Data(#"{"goAway": {"timeLeft": "10s"}}"#.utf8))
        #expect(goAway.goAway?.timeLeft == ProtoDuration(seconds: 10))
        let update = try ServerMessage.decode(
            Data(#"{"sessionResumptionUpdate": {"newHandle": "h", "resumable": true, "lastConsumedClientMessageIndex": "123456789"}}"#.utf8))
        #expect(update.sessionResumptionUpdate == SessionResumptionUpdate(newHandle: "h", resumable: true, lastConsumedClientMessageIndex: 123_456_789))
    }
}
