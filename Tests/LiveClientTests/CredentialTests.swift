import Foundation
import LiveClient
import LiveProtocol
import LiveSimulator
import Testing

/// The client's other endpoints and credentials, end to end against the simulator over TLS: an
/// ephemeral token on v1alpha's Constrained method, and a Vertex AI bearer token on the Vertex path.
@Suite("Client ↔ simulator endpoints and credentials")
struct CredentialTests {
    static func run(
        _ endpoint: (String) -> LiveEndpoint, model: String, simulatorKey: String
    ) async throws -> (RecordedConnection, CloseExplanation) {
        let simulator = ClientFixtures.simulator(apiKey: simulatorKey)
        return try await simulator.withRunning { address in
            var configuration = ClientFixtures.client(address)
            configuration.endpoint = endpoint(configuration.endpoint.baseURL)
            let setup = SessionConfiguration(model: model).setup(for: configuration.endpoint)
            let outcome = try await LiveClient.withConnection(
                setup: setup, configuration: configuration, logger: ClientFixtures.quiet
            ) { connection in
                var iterator = connection.events.makeAsyncIterator()
                try await connection.sendText("Hello")
                var turn = EventCollector()
                try await turn.read(&iterator) { $0.isTurnComplete }
                await connection.close()
            }
            let recorded = try #require(simulator.recorder.connection(1))
            return (recorded, outcome.close)
        }
    }

    @Test("An ephemeral token goes to v1alpha's BidiGenerateContentConstrained in Authorization: Token")
    func ephemeralToken() async throws {
        let (recorded, close) = try await Self.run(
            { LiveEndpoint(baseURL: $0, credential: .ephemeralToken(Secret("auth_tokens/test-token"))) },
            model: LiveModel.defaultID, simulatorKey: "a-real-key")
        #expect(recorded.path.hasSuffix("/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained"))
        #expect(recorded.credentialForm == .tokenAuthorization)
        #expect(recorded.queryNames.isEmpty)
        #expect(close.category == .normal)
    }

    @Test("A Vertex AI bearer token reaches the Vertex path with the publisher model path")
    func vertexBearer() async throws {
        let (recorded, close) = try await Self.run(
            {
                LiveEndpoint(
                    service: .vertexAI(project: "my-project", location: "us-central1"), baseURL: $0,
                    credential: .bearer(Secret("vertex-token")))
            }, model: "gemini-live-2.5-flash-native-audio", simulatorKey: "vertex-token")
        #expect(recorded.path.hasSuffix("/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"))
        #expect(recorded.credentialForm == .bearerAuthorization)
        guard case .setup(let setup)? = recorded.clientMessages.first else {
            Issue.record("the first client message was not the setup")
            return
        }
        #expect(setup.model == "projects/my-project/locations/us-central1/publishers/google/models/gemini-live-2.5-flash-native-audio")
        #expect(close.category == .normal)
    }
}
