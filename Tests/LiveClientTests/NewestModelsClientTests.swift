import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

/// The client against the simulator with the newest models (issue 10): the setup our
/// configuration sends is accepted, one request spans two utterances, and message warnings are
/// kept without refusing the message.
@Suite("Client with the newest models")
struct NewestModelsClientTests {
    @Test("extended thinking: the default LOW level is accepted and the request ends at IDLE, after two utterances")
    func extendedThinkingRequest() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            let configuration = SessionConfiguration(model: "gemini-3.8-live-extended-thinking")
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(configuration), configuration: ClientFixtures.client(address),
                logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText("plan my trip")
                var collector = EventCollector()
                try await collector.read(&iterator) { $0.serverContent?.completesRequest == true }
                await connection.close()
                return collector
            }
            let messages = outcome.value.messages
            let ends = messages.compactMap(\.serverContent).filter { $0.turnComplete == true }
            #expect(ends.map(\.interactionStatus) == [.inProgress, .idle])
            #expect(outcome.value.transcript == "Let me think about that (turn 1)You said: plan my trip (turn 1)")
            guard case .setup(let sent)? = simulator.recorder.connection(1)?.clientMessages.first else {
                Issue.record("no setup recorded")
                return
            }
            #expect(sent.generationConfig?.thinkingConfig?.thinkingLevel == .low)
        }
    }

    @Test("a warning about a message is kept on the connection; the message is sent")
    func messageWarning() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            let configuration = SessionConfiguration(model: "gemini-3.1-flash-live-preview")
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(configuration), configuration: ClientFixtures.client(address),
                logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText("hello")
                try await connection.sendText("again")
                var collector = EventCollector()
                var completed = 0
                try await collector.read(&iterator) { message in
                    if message.isTurnComplete { completed += 1 }
                    return completed == 2
                }
                await connection.close()
                return connection.messageWarnings.map(\.rule)
            }
            #expect(outcome.value == ["client-content-3.1"])
            #expect(simulator.recorder.connection(1)?.clientMessages.count == 3)
        }
    }

    @Test("mediaChunks is refused before it is sent, with the fix")
    func mediaChunksRefused() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                let error = await #expect(throws: LiveClientError.self) {
                    try await connection.send(.realtimeInput(RealtimeInput(mediaChunks: [.pcm(Data([0, 0]), sampleRate: 16_000)])))
                }
                await connection.close()
                return "\(error.map { "\($0)" } ?? "")"
            }
            #expect(outcome.value.contains("realtimeInput.audio"))
            #expect(simulator.recorder.connection(1)?.clientMessages.count == 1)
        }
    }
}
