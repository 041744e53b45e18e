import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

/// Setups the service refuses: what preflight stops before sending, and what the service's close
/// explains when preflight lets it through.
@Suite("Client ↔ simulator refusals")
struct SetupRefusalTests {
    @Test("An unknown model passes preflight with a warning and the service's 1008 is explained")
    func unknownModel() async throws {
        let simulator = ClientFixtures.simulator()
        _ = try await simulator.withRunning { address in
            await #expect {
                try await LiveClient.withConnection(
                    setup: ClientFixtures.setup(SessionConfiguration(model: "gemini-9-imaginary")),
                    configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
                ) { _ in }
            } throws: { error in
                guard case LiveClientError.closedDuringSetup(let explanation) = error else { return false }
                return explanation.code == 1008 && explanation.category == .modelNotFound
                    && explanation.reason.hasPrefix("models/gemini-9-imaginary is not found")
            }
        }
    }

    @Test("A retired model is stopped by preflight: nothing reaches the service")
    func retiredModel() async throws {
        let simulator = ClientFixtures.simulator()
        _ = try await simulator.withRunning { address in
            await #expect {
                try await LiveClient.withConnection(
                    setup: ClientFixtures.setup(SessionConfiguration(model: "gemini-2.0-flash-live-001")),
                    configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
                ) { _ in }
            } throws: { error in
                guard case LiveClientError.preflightFailed(let preflight) = error else { return false }
                return preflight.errors.contains { $0.rule == "retired-model" && $0.fix.contains("gemini-3.8-live") }
            }
            #expect(simulator.recorder.connections.isEmpty)
        }
    }

    @Test("TEXT on an audio-only model, sent anyway, is explained from the service's close")
    func textOnAudioModel() async throws {
        let simulator = ClientFixtures.simulator()
        _ = try await simulator.withRunning { address in
            await #expect {
                try await LiveClient.withConnection(
                    setup: ClientFixtures.setup(SessionConfiguration(responseModality: .text)),
                    configuration: ClientFixtures.client(address, preflight: false), logger: ClientFixtures.quiet
                ) { _ in }
            } throws: { error in
                guard case LiveClientError.closedDuringSetup(let explanation) = error else { return false }
                return explanation.category == .textOnAudioModel && explanation.nextStep.contains("outputAudioTranscription")
            }
        }
    }

    @Test("A wrong API key is refused with an explanation about the key")
    func wrongKey() async throws {
        let simulator = ClientFixtures.simulator(apiKey: "the-right-key")
        _ = try await simulator.withRunning { address in
            await #expect {
                try await LiveClient.withConnection(
                    setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address, key: "a-wrong-key"),
                    logger: ClientFixtures.quiet
                ) { _ in }
            } throws: { error in
                let text = "\(error)"
                return text.lowercased().contains("key") && !text.contains("a-wrong-key")
            }
        }
    }

    @Test("activityStart while automatic VAD is on is refused before it is sent")
    func activityStartWithAutomaticVAD() async throws {
        let simulator = ClientFixtures.simulator()
        try await simulator.withRunning { address in
            let outcome = try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: ClientFixtures.client(address), logger: ClientFixtures.quiet
            ) { connection in
                let result: LiveClientError?
                do throws(LiveClientError) {
                    try await connection.send(.realtimeInput(RealtimeInput(activityStart: EmptyObject())))
                    result = nil
                } catch {
                    result = error
                }
                await connection.close()
                return result
            }
            guard case .messageRejected(let issue)? = outcome.value else {
                Issue.record("expected messageRejected, got \(String(describing: outcome.value))")
                return
            }
            #expect(issue.rule == "activity-with-automatic-vad")
            let sent = try #require(simulator.recorder.connection(1)).clientMessages
            #expect(sent.count == 1, "only the setup went out")
        }
    }

    @Test("wss:// to an address (not a name) is refused with the fix, before any connection", arguments: [
        "wss://127.0.0.1:1", "wss://[::1]:1", "wss://192.0.2.10",
    ])
    func tlsNeedsAHostName(url: String) async throws {
        let configuration = LiveClientConfiguration(endpoint: LiveEndpoint(baseURL: url, credential: .none))
        await #expect {
            try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: configuration, logger: ClientFixtures.quiet
            ) { _ in }
        } throws: { error in
            guard case LiveClientError.invalidURL(let message) = error else { return false }
            return message.contains("needs a host name") && message.contains("wss://localhost")
        }
    }

    @Test("ws:// is refused to hosts that are not loopback", arguments: [
        "ws://192.0.2.10:8080", "ws://example.com", "ftp://127.0.0.1",
    ])
    func plainTextOnlyToLoopback(url: String) async throws {
        let configuration = LiveClientConfiguration(endpoint: LiveEndpoint(baseURL: url, credential: .none))
        await #expect {
            try await LiveClient.withConnection(
                setup: ClientFixtures.setup(), configuration: configuration, logger: ClientFixtures.quiet
            ) { _ in }
        } throws: { error in
            guard case LiveClientError.invalidURL = error else { return false }
            return true
        }
    }
}
