import Foundation
import LiveProtocol
import LiveSimulator
import Testing

/// The simulator speaks the newest models' protocol (issue 10, docs/protocol-notes.md): extended
/// thinking's utterances, translation, non-blocking calls and their schedulings, the 1008 close
/// for input during a blocking call, the re-sent call, and push-to-talk with manual activity.
@Suite("Newest models")
struct NewestModelsTests {
    static let extendedThinking =
        #"{"setup": {"model": "models/gemini-3.8-live-extended-thinking", "generationConfig": {"thinkingConfig": {"thinkingLevel": "LOW"}}, "outputAudioTranscription": {}, "sessionResumption": {}}}"#

    static func tools(behavior: String?) -> String {
        let field = behavior.map { #", "behavior": "\#($0)""# } ?? ""
        return #"{"setup": {"model": "models/gemini-3.8-live", "outputAudioTranscription": {}, "tools": [{"functionDeclarations": [{"name": "get_weather", "description": "weather"\#(field)}]}]}}"#
    }

    static func response(id: String, scheduling: String) -> String {
        #"{"toolResponse": {"functionResponses": [{"id": "\#(id)", "name": "get_weather", "response": {"temp": 20}, "scheduling": "\#(scheduling)"}]}}"#
    }

    /// The transcript of each utterance, split at turnComplete.
    static func utterances(_ messages: [ServerMessage]) -> [(text: String, status: InteractionStatus?)] {
        var result: [(String, InteractionStatus?)] = []
        var text = ""
        for message in messages {
            text += message.transcript ?? ""
            if message.isTurnComplete {
                result.append((text, message.serverContent?.interactionStatus))
                text = ""
            }
        }
        return result
    }

    @Test("extended thinking: a filler with IN_PROGRESS, a pause, the answer with IDLE; one request")
    func extendedThinkingUtterances() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(Self.extendedThinking)
                try await probe.sendText("find me a flight")
                try await probe.wait { $0.contains { $0.serverContent?.completesRequest == true } }
            }
        }
        let utterances = Self.utterances(result.messages)
        #expect(utterances.count == 2)
        #expect(utterances.first?.text == "Let me think about that (turn 1)")
        #expect(utterances.first?.status == .inProgress)
        #expect(utterances.last?.text == "You said: find me a flight (turn 1)")
        #expect(utterances.last?.status == .idle)
        let turnCompletes = result.messages.filter(\.isTurnComplete)
        #expect(turnCompletes.map { $0.serverContent?.completesRequest } == [false, true])
        // No resumption handle mid-request: only after the IDLE.
        let firstComplete = try #require(result.messages.firstIndex { $0.isTurnComplete })
        let lastComplete = try #require(result.messages.lastIndex { $0.isTurnComplete })
        let handlesBetween = result.messages[firstComplete..<lastComplete].filter {
            $0.sessionResumptionUpdate?.newHandle != nil
        }
        #expect(handlesBetween.isEmpty)
        // The pause between the filler's end and the answer's first audio (100 ms at .immediate).
        let frames = simulator.recorder.connection(1)?.frames.filter { $0.direction == .toClient } ?? []
        let decoded = frames.compactMap { frame in (try? ServerMessage.decode(frame.bytes)).map { (frame.offset, $0) } }
        let fillerEnd = try #require(decoded.first { $0.1.isTurnComplete }?.0)
        let answerStart = try #require(decoded.first { $0.0 > fillerEnd && $0.1.audio != nil }?.0)
        #expect(answerStart - fillerEnd >= .milliseconds(90))
    }

    @Test("translation: the echo voice speaks back, the transcript names the target language")
    func translation() async throws {
        let simulator = Fixtures.simulator()
        let speech = TestAudio.tone(milliseconds: 800) + TestAudio.silence(milliseconds: 900)
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(
                    #"{"setup": {"model": "models/gemini-3.5-live-translate-preview", "generationConfig": {"responseModalities": ["AUDIO"], "translationConfig": {"targetLanguageCode": "de", "echoTargetLanguage": false}}, "outputAudioTranscription": {}}}"#)
                try await probe.wait { $0.contains { $0.setupComplete != nil } }
                try await probe.sendAudio(speech)
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        #expect(result.messages.transcript.hasPrefix("[de] translation of "))
        let echoed = TestAudio.samples(result.messages.audio)
        #expect(echoed.count > 24_000 * 7 / 10)
        #expect(TestAudio.rms(echoed) > 0.05)
    }

    @Test("NON_BLOCKING by default on gemini-3.8-live: the model talks while the call is pending; WHEN_IDLE speaks the result")
    func nonBlockingWhenIdle() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(Self.tools(behavior: nil))
                try await probe.sendText("call get_weather {\"city\": \"Oslo\"}")
                let spoken = try await probe.wait { messages in
                    messages.contains { $0.toolCall != nil } && messages.contains { $0.isTurnComplete }
                }
                let id = try #require(spoken.compactMap(\.toolCall).first?.functionCalls.first?.id)
                try await probe.send(Self.response(id: id, scheduling: "WHEN_IDLE"))
                try await probe.wait(count: 2) { $0.isTurnComplete }
            }
        }
        #expect(result.closeCode == 1000)
        let utterances = Self.utterances(result.messages).map(\.text)
        #expect(utterances == ["Working on get_weather (turn 1)", #"get_weather returned {"temp":20}"#])
    }

    @Test("SILENT: the result is taken without a word")
    func nonBlockingSilent() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(Self.tools(behavior: "NON_BLOCKING"))
                try await probe.sendText("what is the get_weather")
                let spoken = try await probe.wait { $0.contains { $0.isTurnComplete } }
                let id = try #require(spoken.compactMap(\.toolCall).first?.functionCalls.first?.id)
                try await probe.send(Self.response(id: id, scheduling: "SILENT"))
                // The next user turn shows the silent result reached the conversation.
                try await probe.sendText("and now")
                try await probe.wait(count: 2) { $0.isTurnComplete }
            }
        }
        let utterances = Self.utterances(result.messages).map(\.text)
        #expect(utterances == ["Working on get_weather (turn 1)", "You said: and now (turn 2)"])
    }

    @Test("INTERRUPT: the utterance in progress is interrupted and the result spoken at once")
    func nonBlockingInterrupt() async throws {
        let simulator = Fixtures.simulator(SimulatorConfiguration(pacing: VoicePacing(speedFactor: 4, waitsForPlayback: true)))
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(Self.tools(behavior: "NON_BLOCKING"))
                try await probe.sendText("call get_weather now please")
                let started = try await probe.wait { messages in
                    messages.contains { $0.toolCall != nil } && messages.contains { $0.audio != nil }
                }
                #expect(!started.contains { $0.isTurnComplete }, "the model is still speaking")
                let id = try #require(started.compactMap(\.toolCall).first?.functionCalls.first?.id)
                try await probe.send(Self.response(id: id, scheduling: "INTERRUPT"))
                try await probe.wait(timeout: .seconds(20)) { $0.contains { $0.transcript?.contains("returned") == true } && $0.filter(\.isTurnComplete).count == 2 }
            }
        }
        let interrupted = try #require(result.messages.firstIndex { $0.isInterrupted })
        let resultWord = try #require(result.messages.firstIndex { $0.transcript?.contains("returned") == true })
        #expect(interrupted < resultWord)
        #expect(Self.utterances(result.messages).last?.text == #"get_weather returned {"temp":20}"#)
    }

    @Test(
        "realtime input while a BLOCKING call is pending closes 1008 with the service's text",
        arguments: [
            #"{"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAAAAA=="}}}"#,
            #"{"realtimeInput": {"audioStreamEnd": true}}"#,
        ])
    func blockingCallRefusesInput(input: String) async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(Self.tools(behavior: "BLOCKING"))
                try await probe.sendText("what is the get_weather")
                try await probe.wait { $0.contains { $0.toolCall != nil } }
                try await probe.send(input)
                try await probe.waitForEnd()
            }
        }
        #expect(result.closeCode == 1008)
        #expect(result.closeReason == "Operation is not implemented, or supported, or enabled.")
        #expect(!result.messages.contains { $0.isTurnComplete }, "the blocking call kept the model waiting")
    }

    @Test("activityStart during a pending BLOCKING call closes 1008 too (manual activity)")
    func blockingCallRefusesActivity() async throws {
        let simulator = Fixtures.simulator()
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(
                    #"{"setup": {"model": "models/gemini-3.8-live", "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}}, "tools": [{"functionDeclarations": [{"name": "get_weather", "behavior": "BLOCKING"}]}]}}"#)
                try await probe.sendText("get_weather")
                try await probe.wait { $0.contains { $0.toolCall != nil } }
                try await probe.send(#"{"realtimeInput": {"activityStart": {}}}"#)
                try await probe.waitForEnd()
            }
        }
        #expect(result.closeCode == 1008)
        #expect(result.closeReason == "Operation is not implemented, or supported, or enabled.")
    }

    @Test("the resend fault cancels an unanswered call and sends it again with the same id")
    func resendPendingCall() async throws {
        let simulator = Fixtures.simulator(
            SimulatorConfiguration(faults: FaultScript(resendsPendingCallsAfter: .milliseconds(300)), pacing: .immediate))
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(Self.tools(behavior: "BLOCKING"))
                try await probe.sendText("get_weather")
                let calls = try await probe.wait(count: 2) { $0.toolCall != nil }
                let id = try #require(calls.compactMap(\.toolCall).first?.functionCalls.first?.id)
                try await probe.send(Self.response(id: id, scheduling: "WHEN_IDLE"))
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        let calls = result.messages.compactMap(\.toolCall).map { $0.functionCalls.compactMap(\.id) }
        #expect(calls.count == 2)
        #expect(calls.first == calls.last)
        let cancellation = try #require(result.messages.firstIndex { $0.toolCallCancellation != nil })
        let secondCall = try #require(result.messages.lastIndex { $0.toolCall != nil })
        #expect(cancellation < secondCall)
        #expect(result.messages[cancellation].toolCallCancellation?.ids == calls.first)
        #expect(result.closeCode == 1000, "the answer to the re-sent id was accepted")
    }

    @Test("push-to-talk: with automatic detection off the reply comes at activityEnd, not from the energy VAD")
    func manualActivityTurn() async throws {
        let simulator = Fixtures.simulator()
        let speech = TestAudio.tone(milliseconds: 600) + TestAudio.silence(milliseconds: 1500)
        let result = try await simulator.withRunning { address in
            try await Probe.run(address.liveURL()) { probe in
                try await probe.send(
                    #"{"setup": {"model": "models/gemini-3.8-live", "outputAudioTranscription": {}, "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}}}}"#)
                try await probe.wait { $0.contains { $0.setupComplete != nil } }
                // Speech and a long silence without markers: the energy VAD would have ended a turn.
                try await probe.sendAudio(speech)
                try await Task.sleep(for: .milliseconds(300))
                #expect(!probe.messages.contains { $0.isTurnComplete }, "no reply without activityEnd")
                try await probe.send(#"{"realtimeInput": {"activityStart": {}}}"#)
                try await probe.sendAudio(TestAudio.tone(milliseconds: 700))
                try await probe.send(#"{"realtimeInput": {"activityEnd": {}}}"#)
                try await probe.wait { $0.contains { $0.isTurnComplete } }
            }
        }
        #expect(result.messages.transcript == "You spoke for 0.7 seconds (turn 1)")
    }
}
