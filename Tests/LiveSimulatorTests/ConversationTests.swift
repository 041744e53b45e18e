import Foundation
import LiveProtocol
import LiveSimulator
import Testing

@Suite("Conversation")
struct ConversationTests {
    static let transcribing = #""outputAudioTranscription": {}, "inputAudioTranscription": {}"#

    @Test("a text turn gets audio, transcript fragments, generationComplete, then turnComplete with usage")
    func textTurn() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(Self.transcribing)
                try await probe.sendText("hello there")
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        let messages = result.messages
        #expect(messages.transcript == "You said: hello there (turn 1)")
        let audio = TestAudio.samples(messages.audio)
        #expect(audio.count > 24_000)
        #expect(TestAudio.rms(audio) > 0.02)
        let mimeTypes = Set(messages.compactMap { $0.serverContent?.modelTurn?.parts.first?.inlineData?.mimeType })
        #expect(mimeTypes == ["audio/pcm;rate=24000"])
        let generation = try #require(messages.firstIndex { $0.isGenerationComplete })
        let completion = try #require(messages.firstIndex { $0.isTurnComplete })
        #expect(generation < completion)
        #expect(messages.lastIndex(where: { $0.transcript != nil })! < generation)
        let usage = try #require(messages[completion].usageMetadata)
        #expect((usage.promptTokenCount ?? 0) > 0)
        #expect((usage.responseTokenCount ?? 0) > 0)
        #expect(usage.totalTokenCount == (usage.promptTokenCount ?? 0) + (usage.responseTokenCount ?? 0))
        #expect(usage.responseTokensDetails?.first?.modality == .audio)
        #expect(usage.promptTokensDetails?.first?.modality == .text)
    }

    @Test("realtimeInput.text is a turn too, and the synthesized voice is deterministic")
    func realtimeText() async throws {
        var audio: [Data] = []
        for _ in 0..<2 {
            let simulator = Fixtures.simulator()
            let result = try await simulator.withRunning { address in
                try await Probe.run(address.liveURL()) { probe in
                    try await probe.sendSetup()
                    try await probe.send(#"{"realtimeInput": {"text": "good morning"}}"#)
                    try await probe.wait { $0.contains { $0.isTurnComplete } }
                }
            }
            audio.append(result.messages.audio)
        }
        #expect(audio[0] == audio[1])
        #expect(!audio[0].isEmpty)
    }

    @Test("TEXT modality on a model that allows it answers in text parts")
    func textModality() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.vertexURL()) { probe in
                try await probe.sendSetup(
                    model: "publishers/google/models/gemini-2.0-flash-live-preview-04-09",
                    #""generationConfig": {"responseModalities": ["TEXT"]}"#)
                try await probe.sendText("hi")
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        let text = result.messages.compactMap { $0.serverContent?.modelTurn?.parts.first?.text }.joined()
        #expect(text == "You said: hi (turn 1)")
        #expect(result.messages.audio.isEmpty)
    }

    @Test("snake_case keys and URL-safe base64 are accepted")
    func pythonStyleFrames() async throws {
        let simulator = Fixtures.simulator()
        let samples: [Int16] = [-1, 0x3EFF, -257, 0x7FBF]
        let bytes = TestAudio.data(samples)
        let urlSafe = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        #expect(urlSafe.contains("-") || urlSafe.contains("_"))
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(
                    #"{"setup": {"model": "models/gemini-3.8-live", "generation_config": {"response_modalities": ["AUDIO"], "speech_config": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}}}, "realtime_input_config": {"automatic_activity_detection": {"disabled": false, "silence_duration_ms": 100}, "activity_handling": "START_OF_ACTIVITY_INTERRUPTS"}, "session_resumption": {}}}"#
                )
                try await probe.send(#"{"realtime_input": {"audio": {"data": "\#(urlSafe)", "mime_type": "audio/pcm;rate=16000"}}}"#)
                try await probe.send(#"{"client_content": {"turns": [{"parts": [{"text": "Hi"}], "role": "user"}], "turn_complete": true}}"#)
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        #expect(result.closeCode == 1000)
        let received = simulator.recorder.connection(1)?.clientMessages ?? []
        guard case .realtimeInput(let input)? = received.dropFirst().first else {
            Issue.record("no realtime input recorded")
            return
        }
        #expect(input.audio?.data == bytes)
    }

    @Test("voice activity detection cuts tone bursts separated by silence into one turn each")
    func vadSegmentation() async throws {
        let simulator = Fixtures.simulator()
        var audio: [Int16] = []
        for _ in 0..<3 {
            audio += TestAudio.tone(milliseconds: 400) + TestAudio.silence(milliseconds: 700)
        }
        let bursts = audio
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(
                    #""inputAudioTranscription": {}, "realtimeInputConfig": {"automaticActivityDetection": {"silenceDurationMs": 300}}"#)
                try await probe.sendAudio(bursts)
                try await probe.wait(count: 3) { $0.isTurnComplete }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let transcripts = result.messages.compactMap { $0.serverContent?.inputTranscription?.text }
        #expect(transcripts == ["(speech 0.4 s)", "(speech 0.4 s)", "(speech 0.4 s)"])
        #expect(result.messages.filter { $0.isTurnComplete }.count == 3)
    }

    @Test("a quiet tone stays below the LOW start sensitivity and is heard at HIGH")
    func sensitivity() async throws {
        for (sensitivity, expectedTurns) in [("START_SENSITIVITY_LOW", 0), ("START_SENSITIVITY_HIGH", 1)] {
            let simulator = Fixtures.simulator()
            let result = try await simulator.withRunning { address in
                try await Probe.run(address.liveURL()) { probe in
                    try await probe.sendSetup(
                        #""realtimeInputConfig": {"automaticActivityDetection": {"startOfSpeechSensitivity": "\#(sensitivity)"}}"#)
                    try await probe.sendAudio(TestAudio.tone(milliseconds: 300, level: 0.02))
                    try await probe.send(#"{"realtimeInput": {"audioStreamEnd": true}}"#)
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
            #expect(result.messages.filter { $0.isTurnComplete }.count == expectedTurns, "\(sensitivity)")
        }
    }

    @Test("the echo voice returns the caller's utterance resampled to 24 kHz")
    func echoVoice() async throws {
        let simulator = Fixtures.simulator()
        let utterance = TestAudio.tone(milliseconds: 500, frequency: 523)
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(Self.transcribing)
                try await probe.sendAudio(TestAudio.silence(milliseconds: 200) + utterance + TestAudio.silence(milliseconds: 600))
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        let echo = TestAudio.samples(result.messages.audio)
        let reference = TestAudio.linearUpsample(utterance)
        #expect(abs(echo.count - reference.count) <= 2)
        #expect(TestAudio.correlation(reference, echo) > 0.98)
        #expect(result.messages.transcript == "You spoke for 0.5 seconds (turn 1)")
    }

    @Test("manual activity: the turn is what came between activityStart and activityEnd")
    func manualActivity() async throws {
        let simulator = Fixtures.simulator()
        let utterance = TestAudio.tone(milliseconds: 300)
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(#""realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}}"#)
                try await probe.sendAudio(TestAudio.tone(milliseconds: 200))
                try await probe.send(#"{"realtimeInput": {"activityStart": {}}}"#)
                try await probe.sendAudio(utterance)
                try await probe.send(#"{"realtimeInput": {"activityEnd": {}}}"#)
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        let echo = TestAudio.samples(result.messages.audio)
        #expect(abs(echo.count - 7_200) <= 2)
        #expect(TestAudio.correlation(TestAudio.linearUpsample(utterance), echo) > 0.98)
    }

    @Test("barge-in: interrupted, then turnComplete, and no generationComplete for that turn")
    func bargeInByText() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(pacing: VoicePacing(waitsForPlayback: false)))
        let long = Array(repeating: "word", count: 60).joined(separator: " ")
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup()
                try await probe.sendText(long)
                try await probe.wait { $0.contains { $0.audio != nil } }
                try await probe.sendText("stop")
                try await probe.wait(count: 2) { $0.isTurnComplete }
            }
        }
        let messages = result.messages
        let interrupted = try #require(messages.firstIndex { $0.isInterrupted })
        let firstCompletion = try #require(messages.firstIndex { $0.isTurnComplete })
        #expect(interrupted < firstCompletion)
        #expect(!messages[..<firstCompletion].contains { $0.isGenerationComplete })
        #expect(messages[firstCompletion...].contains { $0.isGenerationComplete })
        let audioAfterInterruption = messages[interrupted..<firstCompletion].contains { $0.audio != nil }
        #expect(!audioAfterInterruption)
    }

    @Test("barge-in by speech, and none with NO_INTERRUPTION")
    func bargeInBySpeech() async throws {
        for handling in ["START_OF_ACTIVITY_INTERRUPTS", "NO_INTERRUPTION"] {
            let simulator = Fixtures.simulator(
                SimulatorConfiguration(pacing: VoicePacing(speedFactor: 2, waitsForPlayback: false)))
            let long = Array(repeating: "word", count: 12).joined(separator: " ")
            let result = try await simulator.withRunning { address in
                try await Probe.run(address.liveURL()) { probe in
                    try await probe.sendSetup(#""realtimeInputConfig": {"activityHandling": "\#(handling)"}"#)
                    try await probe.sendText(long)
                    try await probe.wait { $0.contains { $0.audio != nil } }
                    try await probe.sendAudio(TestAudio.tone(milliseconds: 300) + TestAudio.silence(milliseconds: 600))
                    try await probe.wait(count: 2, timeout: .seconds(30)) { $0.isTurnComplete }
                }
            }
            let interrupted = result.messages.contains { $0.isInterrupted }
            #expect(interrupted == (handling == "START_OF_ACTIVITY_INTERRUPTS"), "\(handling)")
            #expect(result.messages.filter { $0.isGenerationComplete }.count == (interrupted ? 1 : 2))
        }
    }

    static let weatherTool =
        #""tools": [{"functionDeclarations": [{"name": "get_weather", "description": "weather", "behavior": "BLOCKING", "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}}}]}], "sessionResumption": {}, "outputAudioTranscription": {}"#

    @Test("a scripted tool call, not resumable while pending, continued by the tool response")
    func toolCall() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(Self.weatherTool)
                try await probe.sendText(#"call get_weather {"city": "Paris"}"#)
                let messages = try await probe.wait { $0.contains { $0.toolCall != nil } }
                let call = try #require(messages.compactMap(\.toolCall).first?.functionCalls.first)
                #expect(call.name == "get_weather")
                #expect(call.args == ["city": "Paris"])
                let id = try #require(call.id)
                try await probe.send(
                    #"{"toolResponse": {"functionResponses": [{"id": "\#(id)", "name": "get_weather", "response": {"temp": 20}}]}}"#)
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        let messages = result.messages
        #expect(messages.transcript == #"get_weather returned {"temp":20} (turn 1)"#)
        let callIndex = try #require(messages.firstIndex { $0.toolCall != nil })
        let updates = messages[..<callIndex].compactMap(\.sessionResumptionUpdate)
        #expect(updates.first?.resumable == true)
        #expect(updates.last?.resumable != true)
        #expect(updates.last?.newHandle == nil)
        #expect(messages.last?.sessionResumptionUpdate?.resumable == true)
    }

    @Test("barge-in while a call is pending cancels it")
    func toolCallCancellation() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.sendSetup(Self.weatherTool)
                try await probe.sendText("what does get_weather say?")
                try await probe.wait { $0.contains { $0.toolCall != nil } }
                try await probe.sendText("never mind")
                try await probe.wait { $0.contains { $0.isTurnComplete } && $0.contains { $0.isGenerationComplete } }
            }
        }
        let messages = result.messages
        let call = try #require(messages.compactMap(\.toolCall).first?.functionCalls.first)
        #expect(call.args == [:])
        let cancellation = try #require(messages.firstIndex { $0.toolCallCancellation != nil })
        #expect(messages[cancellation].toolCallCancellation?.ids == [call.id ?? ""])
        let interrupted = try #require(messages.firstIndex { $0.isInterrupted })
        #expect(cancellation < interrupted)
        #expect(messages.transcript == "You said: never mind (turn 2)")
    }
}
