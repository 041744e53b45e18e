import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

/// The client against the simulator over TLS on loopback: the conversation paths.
@Suite("Client ↔ simulator conversations over TLS")
struct ConversationTests {
    @Test("TLS handshake, setupComplete, a text turn with audio, transcript, usage, and a normal close")
    func textTurn() async throws {
        let simulator = ClientFixtures.simulator(apiKey: "test-key")
        try await simulator.withRunning { address in
            #expect(address.usesTLS)
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText("What is the weather like?")
                var turn = EventCollector()
                try await turn.read(&iterator) { $0.isTurnComplete }
                await connection.close()
                return turn
            }
            let turn = outcome.value
            #expect(turn.audio.count > 4800, "a spoken reply of at least 0.1 s")
            #expect(turn.transcript.contains("What is the weather like?"))
            #expect(turn.messages.contains { $0.serverContent?.generationComplete == true })
            let last = try #require(turn.messages.last)
            #expect(last.isTurnComplete)
            #expect((last.usageMetadata?.totalTokenCount ?? 0) > 0, "usage rides on the turnComplete frame")
            #expect(outcome.close.code == 1000)
            #expect(outcome.close.category == .normal)
            let recorded = try #require(simulator.recorder.connection(1))
            #expect(recorded.credentialForm == .apiKeyHeader, "the key travels in the header")
            #expect(recorded.queryNames.isEmpty, "never in the URL")
        }
    }

    @Test("An audio turn in echo mode comes back as the same utterance at 24 kHz")
    func audioTurnEcho() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            let utterance = PCM16.utterance(milliseconds: 1000)
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                let audio = PCM16.bytes(utterance + [Int16](repeating: 0, count: 16_000))
                for start in stride(from: 0, to: audio.count, by: 3200) {
                    try await connection.sendAudio(audio.subdata(in: start..<min(start + 3200, audio.count)))
                }
                var turn = EventCollector()
                try await turn.read(&iterator) { $0.isTurnComplete }
                await connection.close()
                return turn
            }
            let reply = PCM16.samples(outcome.value.audio)
            #expect(!outcome.value.inputTranscript.isEmpty, "the utterance was transcribed")
            let expected = PCM16.resample(utterance, from: 16_000, to: 24_000)
            #expect(abs(reply.count - expected.count) < 24_000 / 5, "about 1.5 × the input samples (\(reply.count))")
            let correlation = PCM16.bestCorrelation(expected, reply, maxLag: 2400)
            #expect(correlation > 0.9, "echo correlates with the input resampled (\(correlation))")
        }
    }

    @Test("Barge-in: new input during the model's reply gives interrupted, then turnComplete without generationComplete")
    func bargeIn() async throws {
        let simulator = ClientFixtures.simulator(
            pacing: VoicePacing(chunkDuration: .milliseconds(80), speedFactor: 1, waitsForPlayback: true))
        try await simulator.withRunning { address in
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText(String(repeating: "Please tell me a long story about the sea. ", count: 6))
                var firstTurn = EventCollector()
                try await firstTurn.read(&iterator) { $0.serverContent?.modelTurn != nil }
                try await connection.sendText("Stop, a question instead.")
                try await firstTurn.read(&iterator) { $0.isTurnComplete }
                var secondTurn = EventCollector()
                try await secondTurn.read(&iterator) { $0.isTurnComplete }
                await connection.close()
                return (firstTurn, secondTurn)
            }
            let (interruptedTurn, nextTurn) = outcome.value
            let contents = interruptedTurn.messages.compactMap(\.serverContent)
            let interrupted = try #require(contents.firstIndex { $0.interrupted == true })
            let completed = try #require(contents.firstIndex { $0.turnComplete == true })
            #expect(interrupted < completed)
            #expect(!contents.contains { $0.generationComplete == true }, "an interrupted turn has no generationComplete")
            #expect(nextTurn.transcript.contains("a question instead"))
        }
    }

    @Test("A declared function is called; the tool response continues the turn")
    func toolCall() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            var configuration = SessionConfiguration()
            configuration.functions = [
                FunctionDeclaration(
                    name: "get_weather", description: "Weather for a city",
                    parameters: ["type": "OBJECT", "properties": ["city": ["type": "STRING"]]], behavior: .blocking)
            ]
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(configuration), configuration: ClientFixtures.client(address),
                logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText(#"call get_weather {"city": "Paris"}"#)
                var beforeResponse = EventCollector()
                try await beforeResponse.read(&iterator) { $0.toolCall != nil }
                let call = try #require(beforeResponse.messages.last?.toolCall?.functionCalls.first)
                try await connection.send(
                    .toolResponse(
                        ToolResponse(functionResponses: [
                            FunctionResponse(id: call.id, name: call.name, response: ["temperature_c": 21])
                        ])))
                var afterResponse = EventCollector()
                try await afterResponse.read(&iterator) { $0.isTurnComplete }
                await connection.close()
                return (call, afterResponse)
            }
            let (call, afterResponse) = outcome.value
            #expect(call.name == "get_weather")
            #expect(call.args?["city"] == "Paris")
            #expect(!(call.id ?? "").isEmpty)
            #expect(afterResponse.transcript.contains("temperature_c"), "the reply uses the response")
        }
    }

    @Test("A resumption handle continues the conversation on a new connection")
    func resumption() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            let first = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText("Remember the word pelican.")
                var turn = EventCollector()
                var completed = false
                try await turn.read(&iterator) { message in
                    if message.isTurnComplete { completed = true }
                    let update = message.sessionResumptionUpdate
                    return completed && update?.resumable == true && !(update?.newHandle ?? "").isEmpty
                }
                await connection.close()
                return turn.messages.compactMap(\.sessionResumptionUpdate).last?.newHandle
            }
            let handle = try #require(first.value)
            var resumed = SessionConfiguration()
            resumed.resumeHandle = handle
            let second = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(resumed), configuration: ClientFixtures.client(address),
                logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText("What was the word?")
                var turn = EventCollector()
                try await turn.read(&iterator) { $0.isTurnComplete }
                await connection.close()
                return turn.transcript
            }
            #expect(second.value.contains("turn 2"), "the conversation's history survived: \(second.value)")

            var stale = SessionConfiguration()
            stale.resumeHandle = "no-such-handle"
            await #expect {
                try await LiveClient.withConnection(
                    setup: ClientFixtures.setup(stale), configuration: ClientFixtures.client(address),
                    logger: ClientFixtures.quiet
                ) { _ in }
            } throws: { error in
                guard case LiveClientError.closedDuringSetup(let explanation) = error else { return false }
                return explanation.category == .sessionNotFound && explanation.code == 1008
            }
        }
    }
}
